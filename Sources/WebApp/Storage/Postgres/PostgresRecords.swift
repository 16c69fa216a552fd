import Domain
import Foundation
import PostgresNIO

/// A row's columns in the order the query names them, as the SQLite records decode theirs
/// (by position: by-name lookups cost more than the read).
struct PostgresColumns {
    private let row: PostgresRow
    private var position: PostgresRow.Index

    init(_ row: PostgresRow) {
        self.row = row
        position = row.startIndex
    }

    struct Missing: Error {}

    mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
        guard position < row.endIndex else { throw Missing() }
        defer { position = row.index(after: position) }
        return try row[position].decode(Value.self)
    }

    /// Passes over `count` columns (another part's, or the rest of an absent LEFT JOIN row)
    /// without reading them.
    mutating func skip(_ count: Int) {
        for _ in 0..<count where position < row.endIndex { position = row.index(after: position) }
    }

    /// A value stored as its raw text (a status, a kind).
    mutating func named<Value: RawRepresentable>(_: Value.Type = Value.self) throws -> Value where Value.RawValue == String {
        let text = try next(String.self)
        guard let value = Value(rawValue: text) else { throw Unknown(text: text) }
        return value
    }

    struct Unknown: Error {
        let text: String
    }

    /// Each of `columns` (a list as the records name them, `a, b, c`) qualified by `table`.
    static func qualified(_ columns: String, by table: String) -> [String] {
        columns.components(separatedBy: ", ").map { "\(table).\($0)" }
    }

    /// A local day, selected as text (`day::text`).
    mutating func day() throws -> LocalDate? {
        try next(String?.self).flatMap(LocalDate.init)
    }
}

/// A record PostgreSQL rows decode into, column by column in the order its query names them.
protocol PostgresRecord {
    init(_ columns: inout PostgresColumns) throws
}

extension PostgresRecord {
    init(postgres row: PostgresRow) throws {
        var columns = PostgresColumns(row)
        try self.init(&columns)
    }
}

extension UserRecord: PostgresRecord {
    /// ``columns`` as PostgreSQL selects them (the day-rules date as text), qualified by
    /// `table`.
    static func postgresColumns(of table: String) -> String {
        columns(of: table).replacingOccurrences(of: "\(table).day_rules_from", with: "\(table).day_rules_from::text")
    }

    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        username = try columns.next()
        passwordHash = try columns.next()
        timezone = try columns.next()
        isAdmin = try columns.next()
        disabled = try columns.next()
        tokenVersion = try columns.next()
        focusMinutes = try columns.next()
        shortBreakMinutes = try columns.next()
        longBreakMinutes = try columns.next()
        longBreakEvery = try columns.next()
        xp = try columns.next()
        createdAt = try columns.next()
        lastActiveAt = try columns.next()
        dayStartsAt = try columns.next()
        restDays = try columns.next()
        dayRulesFrom = try columns.next()
        earlierDayStartsAt = try columns.next()
        twoFactor = try columns.next()
    }
}

extension TaskRecord: PostgresRecord {
    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userId = try columns.next()
        title = try columns.next()
        description = try columns.next()
        status = try columns.named()
        estimatePomodoros = try columns.next()
        focusSeconds = try columns.next()
        pomodoros = try columns.next()
        createdAt = try columns.next()
        updatedAt = try columns.next()
        completedAt = try columns.next()
    }
}

extension SignInSessionRecord: PostgresRecord {
    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        device = try columns.next()
        ip = try columns.next()
        createdAt = try columns.next()
        lastSeenAt = try columns.next()
    }
}

extension TimerRecord: PostgresRecord {
    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userId = try columns.next()
        kind = try columns.named()
        status = try columns.named()
        taskId = try columns.next()
        plannedSeconds = try columns.next()
        startedAt = try columns.next()
        pausedAt = try columns.next()
        pausedSeconds = try columns.next()
        endedAt = try columns.next()
    }
}

extension FocusSessionRecord: PostgresRecord {
    static let postgresColumns = "id, user_id, session_id, start_time, end_time, timezone, task_id, full_pomodoro, planned_seconds, created_at"

    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userId = try columns.next()
        sessionId = try columns.next()
        startTime = try columns.next()
        endTime = try columns.next()
        timezone = try columns.next()
        taskId = try columns.next()
        fullPomodoro = try columns.next()
        plannedSeconds = try columns.next()
        createdAt = try columns.next()
    }
}

extension BreakRecord: PostgresRecord {
    static let postgresColumns = "id, user_id, first_day::text, last_day::text, note, created_at"

    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userId = try columns.next()
        firstDay = try columns.next()
        lastDay = try columns.next()
        note = try columns.next()
        createdAt = try columns.next()
    }
}

extension StreakRecord {
    /// ``columns`` as PostgreSQL selects them (days as text), qualified by `table`.
    static func postgresColumns(of table: String) -> String {
        ["last_run_length", "longest", "qualified_days", "last_qualified_date::text", "milestones", "freezes_held", "freezes_used", "first_day::text",
         "anchor::text", "recent_states", "bridges"]
            .map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// The projection from ``postgresColumns(of:)``; an absent row (NULLs, as a LEFT JOIN
    /// gives) is the empty projection.
    static func projection(_ columns: inout PostgresColumns) throws -> StreakProjection {
        guard let run = try columns.next(Int?.self) else {
            columns.skip(columnCount - 1)
            return .empty
        }
        var walk = StreakWalk()
        walk.run = run
        walk.longest = try columns.next()
        walk.qualifiedDays = try columns.next()
        walk.lastQualifiedDate = try columns.day()
        walk.milestones = try columns.next()
        walk.freezesHeld = try columns.next()
        walk.freezesUsed = try columns.next()
        let firstDay = try columns.day()
        let anchor = try columns.day()
        let states = try columns.next(String.self).utf8.compactMap(DayState.init(letterByte:))
        let bridges = try columns.next(String.self)
        return StreakProjection(
            walk: walk, firstDay: firstDay, anchor: anchor, recentStates: states, bridges: bridges.isEmpty ? .none : StreakBridges(encoded: bridges))
    }
}
