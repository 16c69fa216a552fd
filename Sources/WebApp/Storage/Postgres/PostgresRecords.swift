import Domain
import Foundation
import PostgresNIO

/// A row's columns in the order the query names them, as the SQLite records decode theirs
/// (by position: by-name lookups cost more than the read).
struct PostgresColumns {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    struct Missing: Error {}

    mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
        guard let cell = cells.next() else { throw Missing() }
        return try cell.decode(Value.self)
    }

    /// Passes over `count` columns (the rest of an absent LEFT JOIN row).
    mutating func skip(_ count: Int) {
        for _ in 0..<count { _ = cells.next() }
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

    /// A local day, selected as text (`day::text`).
    mutating func day() throws -> LocalDate? {
        try next(String?.self).flatMap(LocalDate.init)
    }
}

extension UserRecord {
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

    init(postgres row: PostgresRow) throws {
        var columns = PostgresColumns(row)
        try self.init(&columns)
    }
}

extension TaskRecord {
    init(postgres row: PostgresRow) throws {
        var columns = PostgresColumns(row)
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

extension SignInSessionRecord {
    init(postgres row: PostgresRow) throws {
        var columns = PostgresColumns(row)
        id = try columns.next()
        device = try columns.next()
        ip = try columns.next()
        createdAt = try columns.next()
        lastSeenAt = try columns.next()
    }
}
