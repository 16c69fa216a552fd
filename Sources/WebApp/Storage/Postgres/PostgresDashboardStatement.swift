import Domain
import Foundation
import PostgresNIO

/// The dashboard's reads on PostgreSQL as one prepared statement (one round trip, one
/// snapshot): recent timers, the task page, the open tasks, the range's daily totals, the
/// stored streak and, for a full page, the user of the request's sign-in session
/// (``SessionRead``). Each row's first column names its part; each part of a statement
/// has a range of columns of its own (its types), NULL in the other parts' rows. The task
/// page, the open tasks and the totals come as one row of arrays each (a row costs the app
/// more to read than an array's element; see ``PostgresTaskColumns``). SQLite's twin is
/// ``AppDatabase/panelsSQL``.
enum PostgresDashboardRows {
    /// The part with the most rows first, so its rows have no columns to pass over.
    enum Part: Int32, CaseIterable {
        case timer, task, openTask, total, streak, user

        /// The part's columns, in the order its row decodes them.
        var columns: [String] {
            switch self {
            case .task: PostgresTaskColumns.names(qualifiedBy: "p")
            case .openTask: ["o.ids", "o.titles"]
            case .total: ["d.days", "d.seconds"]
            case .timer: PostgresColumns.qualified(TimerRecord.columns, by: "t")
            case .streak: StreakRecord.postgresColumns(of: "s").components(separatedBy: ", ")
            case .user: ["u.last_seen_at"] + UserRecord.postgresColumns(of: "u").components(separatedBy: ", ") + ["u.incoming"]
            }
        }

        /// The part's rows: $1 user, $2 and $3 the totals' first and last day; the task page
        /// (a query of ``TaskPageStatement``) and the sign-in session's parameter as the
        /// statement places them.
        func source(taskPage: String, session: String) -> String {
            switch self {
            case .task: "(\(PostgresTaskColumns.select(from: "(\(taskPage))"))) p"
            case .openTask:
                """
                (SELECT array_agg(id ORDER BY id DESC) AS ids, array_agg(title ORDER BY id DESC) AS titles FROM (SELECT id, title FROM tasks
                    WHERE user_id = $1 AND status IN ('todo', 'in_progress') ORDER BY id DESC LIMIT 50) open) o
                """
            case .total:
                "(SELECT array_agg(day::text) AS days, array_agg(seconds) AS seconds FROM daily_totals WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date) d"
            case .timer: "(SELECT \(TimerRecord.columns) FROM timers WHERE user_id = $1 ORDER BY id DESC LIMIT \(TimerRecord.recentCount)) t"
            case .streak: "(SELECT * FROM streaks WHERE user_id = $1) s"
            case .user: "(\(UserInSessionWithRequests.select(session: session, user: "$1"))) u"
            }
        }
    }

    /// A statement's parts: its SQL and where each part's column range starts.
    struct Layout {
        let sql: String
        /// By part: the columns before the part's range, after the part column.
        private let offsets: [Int]

        init(_ parts: [Part], taskPage: String = "", session: String = "") {
            offsets = Part.allCases.map { part in parts.prefix { $0 != part }.reduce(0) { $0 + $1.columns.count } }
            let columns = parts.flatMap(\.columns)
            // A first branch of no rows gives every column its source's type (a NULL alone
            // would be text, which the later branches' columns cannot join).
            let types = "SELECT NULL::int4, \(columns.joined(separator: ", ")) FROM \(parts.map { $0.source(taskPage: taskPage, session: session) }.joined(separator: ", ")) WHERE false"
            let branches = parts.map { part in
                let columns = parts.flatMap { other in other == part ? other.columns : other.columns.map { _ in "NULL" } }
                return "SELECT \(part.rawValue)::int4, \(columns.joined(separator: ", ")) FROM \(part.source(taskPage: taskPage, session: session))"
            }
            sql = ([types] + branches).joined(separator: "\nUNION ALL ")
        }

        func offset(of part: Part) -> Int { offsets[Int(part.rawValue)] }
    }

    static let panels = Layout([.timer, .openTask, .total, .streak])
    /// $4–$7 the task page's filters.
    static let dashboard = Layout(
        [.timer, .task, .openTask, .total, .streak], taskPage: TaskPageStatement.page(user: "$1", status: "$4", before: "$5", search: "$6", limit: "$7"))
    /// $4 the status tab's status, $5 and $6 its cursor and limit.
    static let dashboardOneStatus = Layout(
        [.timer, .task, .openTask, .total, .streak], taskPage: TaskPageStatement.statusPage(user: "$1", status: "$4", before: "$5", limit: "$6"))
    /// $4 and $5 the plain task page's cursor and limit, $6 the session.
    static let signedIn = Layout(
        [.timer, .task, .openTask, .total, .streak, .user], taskPage: TaskPageStatement.plainPage(user: "$1", before: "$4", limit: "$5"), session: "$6")

    /// What a statement's rows hold.
    struct Rows {
        var panels: ProgressSnapshot
        /// The task page's rows, newest first (none when the statement has no task page).
        var tasks: [TaskRecord]
        /// The user of the sign-in session, its last-seen time and the friend requests
        /// waiting (nil when the statement reads none, or the session or user is gone).
        var signedIn: (user: UserRecord, lastSeen: Date, incomingRequests: Int)?
    }

    static func read<Statement: DashboardRowsStatement>(_ statement: Statement, on connection: PostgresConnection, logger: Logger) async throws -> Rows {
        var rows: [PostgresRow] = []
        for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
        return try decode(rows, layout: Statement.layout)
    }

    private static func decode(_ rows: [PostgresRow], layout: Layout) throws -> Rows {
        var timers: [TimerRecord] = []
        var streak = StreakProjection.empty
        var totals: [LocalDate: Double] = [:]
        var openTasks: [(id: Int64, title: String)] = []
        var tasks: [TaskRecord] = []
        var signedIn: (user: UserRecord, lastSeen: Date, incomingRequests: Int)?
        for row in rows {
            var columns = PostgresColumns(row)
            guard let part = Part(rawValue: try columns.next(Int32.self)) else { throw PostgresColumns.Missing() }
            columns.skip(layout.offset(of: part))
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
            case .user:
                let lastSeen: Date = try columns.next()
                signedIn = (try UserRecord(&columns), lastSeen, try columns.next())
            }
        }
        timers.sort { ($0.id ?? 0) > ($1.id ?? 0) }
        let panels = ProgressSnapshot(
            live: timers.first { $0.status.isLive }, finished: timers.filter { !$0.status.isLive }, streak: streak, totals: totals, openTasks: openTasks)
        return Rows(panels: panels, tasks: tasks, signedIn: signedIn)
    }
}

/// A statement of ``PostgresDashboardRows``: its parts' layout.
protocol DashboardRowsStatement: PostgresPreparedStatement where Row == PostgresRow {
    static var layout: PostgresDashboardRows.Layout { get }
}

extension DashboardRowsStatement {
    static var sql: String { layout.sql }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// The focus panels (timer, progress, open tasks) in one statement.
struct PanelsStatement: DashboardRowsStatement {
    static let layout = PostgresDashboardRows.panels

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
}

/// The whole dashboard — the panels and a page of tasks — in one statement.
struct DashboardStatement: DashboardRowsStatement {
    static let layout = PostgresDashboardRows.dashboard

    let panels: PanelsStatement
    let query: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = try panels.makeBindings()
        TaskPageStatement.appendFilters(of: query, to: &bindings)
        return bindings
    }
}

/// The whole dashboard on a status tab without a search (``TaskQuery/statusAlone``): a
/// statement PostgreSQL plans once, where ``DashboardStatement`` is planned for every run.
struct StatusDashboardStatement: DashboardRowsStatement {
    static let layout = PostgresDashboardRows.dashboardOneStatus

    let panels: PanelsStatement
    let status: TaskStatus
    let query: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = try panels.makeBindings()
        bindings.append(status.rawValue)
        TaskPageStatement.appendPlainFilters(of: query, to: &bindings)
        return bindings
    }
}

/// The whole dashboard and the user of the request's sign-in session, in one statement;
/// the task page a plain one (``TaskQuery/isPlain``), so PostgreSQL plans it once.
struct SignedInDashboardStatement: DashboardRowsStatement {
    static let layout = PostgresDashboardRows.signedIn

    let panels: PanelsStatement
    let page: TaskQuery
    let session: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = try panels.makeBindings()
        TaskPageStatement.appendPlainFilters(of: page, to: &bindings)
        bindings.append(session)
        return bindings
    }
}
