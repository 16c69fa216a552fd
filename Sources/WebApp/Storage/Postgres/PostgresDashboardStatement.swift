import Domain
import Foundation
import PostgresNIO

/// The dashboard's reads on PostgreSQL as one prepared statement (one round trip, one
/// snapshot): recent timers, the task page, the open tasks, the range's daily totals and
/// the stored streak. Each row's first column names its part; each part has a range of
/// columns of its own (its types), NULL in the other parts' rows. The task page, the open
/// tasks and the totals come as one row of arrays each (a row costs the app more to read
/// than an array's element; see ``PostgresTaskColumns``). SQLite's twin is
/// ``AppDatabase/panelsSQL``.
enum PostgresDashboardRows {
    /// In the order of their column ranges: the part with the most rows first, so its rows
    /// have no columns to pass over.
    private enum Part: Int32, CaseIterable {
        case timer, task, openTask, total, streak

        /// The part's columns, in the order its row decodes them.
        var columns: [String] {
            switch self {
            case .task: PostgresTaskColumns.names(qualifiedBy: "p")
            case .openTask: ["o.ids", "o.titles"]
            case .total: ["d.days", "d.seconds"]
            case .timer: PostgresColumns.qualified(TimerRecord.columns, by: "t")
            case .streak: StreakRecord.postgresColumns(of: "s").components(separatedBy: ", ")
            }
        }

        /// The part's rows: $1 user, $2 and $3 the totals' first and last day, $4–$7 the task
        /// page's filters (``TaskPageStatement``).
        var source: String {
            switch self {
            case .task: "(\(PostgresTaskColumns.select(from: "(\(TaskPageStatement.page(user: "$1", status: "$4", before: "$5", search: "$6", limit: "$7")))"))) p"
            case .openTask:
                """
                (SELECT array_agg(id ORDER BY id DESC) AS ids, array_agg(title ORDER BY id DESC) AS titles FROM (SELECT id, title FROM tasks
                    WHERE user_id = $1 AND status IN ('todo', 'in_progress') ORDER BY id DESC LIMIT 50) open) o
                """
            case .total:
                "(SELECT array_agg(day::text) AS days, array_agg(seconds) AS seconds FROM daily_totals WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date) d"
            case .timer: "(SELECT \(TimerRecord.columns) FROM timers WHERE user_id = $1 ORDER BY id DESC LIMIT \(TimerRecord.recentCount)) t"
            case .streak: "(SELECT * FROM streaks WHERE user_id = $1) s"
            }
        }

        /// A source of the part's column types that needs no task page filters.
        var typeSource: String {
            switch self {
            case .task: "(\(PostgresTaskColumns.select(from: "tasks"))) p"
            case .openTask, .total, .timer, .streak: source
            }
        }
    }

    /// Where each part's range starts, after the part column (in `Part` order).
    private static let offsets: [Int] = Part.allCases.map { part in Part.allCases.prefix { $0 != part }.reduce(0) { $0 + $1.columns.count } }

    /// `SELECT part, …` with `part`'s columns in its range and NULL elsewhere.
    private static func select(_ part: Part) -> String {
        let columns = Part.allCases.flatMap { other in other == part ? other.columns : other.columns.map { _ in "NULL" } }
        return "SELECT \(part.rawValue)::int4, \(columns.joined(separator: ", ")) FROM \(part.source)"
    }

    /// $1 user, $2 and $3 the totals' first and last day; with the task page, $4 status,
    /// $5 before, $6 search pattern, $7 limit + 1 (``TaskPageStatement``'s filters).
    static func sql(withTaskPage: Bool) -> String {
        // A first branch of no rows gives every column its source's type (a NULL alone
        // would be text, which the later branches' columns cannot join).
        let types = "SELECT NULL::int4, \(Part.allCases.flatMap(\.columns).joined(separator: ", ")) FROM \(Part.allCases.map(\.typeSource).joined(separator: ", ")) WHERE false"
        let parts = Part.allCases.filter { withTaskPage || $0 != .task }.map(select)
        return ([types] + parts).joined(separator: "\nUNION ALL ")
    }

    /// The panels (and the task page's rows, newest first) of one of the statements.
    static func read<Statement: PostgresPreparedStatement>(
        _ statement: Statement, on connection: PostgresConnection, logger: Logger
    ) async throws -> (panels: ProgressSnapshot, tasks: [TaskRecord]) where Statement.Row == PostgresRow {
        var rows: [PostgresRow] = []
        for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
        return try decode(rows)
    }

    private static func decode(_ rows: [PostgresRow]) throws -> (panels: ProgressSnapshot, tasks: [TaskRecord]) {
        var timers: [TimerRecord] = []
        var streak = StreakProjection.empty
        var totals: [LocalDate: Double] = [:]
        var openTasks: [(id: Int64, title: String)] = []
        var tasks: [TaskRecord] = []
        for row in rows {
            var columns = PostgresColumns(row)
            guard let part = Part(rawValue: try columns.next(Int32.self)) else { throw PostgresColumns.Missing() }
            columns.skip(offsets[Int(part.rawValue)])
            switch part {
            case .timer: timers.append(try TimerRecord(&columns))
            case .streak: streak = try StreakRecord.projection(&columns)
            case .total:
                let days = try columns.next([String]?.self) ?? [], seconds = try columns.next([Double]?.self) ?? []
                for (day, seconds) in zip(days, seconds) {
                    if let day = LocalDate(day) { totals[day, default: 0] += seconds }
                }
            case .openTask: openTasks = zip(try columns.next([Int64]?.self) ?? [], try columns.next([String]?.self) ?? []).map { ($0, $1) }
            case .task: tasks = try PostgresTaskColumns.tasks(&columns)
            }
        }
        timers.sort { ($0.id ?? 0) > ($1.id ?? 0) }
        let panels = ProgressSnapshot(
            live: timers.first { $0.status.isLive }, finished: timers.filter { !$0.status.isLive }, streak: streak, totals: totals, openTasks: openTasks)
        return (panels, tasks)
    }
}

/// The focus panels (timer, progress, open tasks) in one statement.
struct PanelsStatement: PostgresPreparedStatement {
    static let sql = PostgresDashboardRows.sql(withTaskPage: false)

    let userID: Int64
    let from: LocalDate
    let to: LocalDate

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(userID)
        bindings.append(from.description)
        bindings.append(to.description)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The whole dashboard — the panels and a page of tasks — in one statement.
struct DashboardStatement: PostgresPreparedStatement {
    static let sql = PostgresDashboardRows.sql(withTaskPage: true)

    let panels: PanelsStatement
    let query: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = try panels.makeBindings()
        TaskPageStatement.appendFilters(of: query, to: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
