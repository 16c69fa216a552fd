import Domain
import Foundation
import GRDB
import GRDBSQLite

/// Reads the timestamps GRDB stores (`YYYY-MM-DD HH:MM:SS.SSS`, UTC) without going
/// through `DateComponents` and a calendar, which cost microseconds per value; a task
/// list decodes 150 of them. Anything not in exactly that shape falls back to GRDB.
enum StoredDate {
    static func date(_ value: DatabaseValue) -> Date? {
        if case .string(let text) = value.storage, let date = parse(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// Seconds since 1970 for `YYYY-MM-DD HH:MM:SS` with an optional `.f…` fraction.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Date? {
        guard (19...29).contains(bytes.count), bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20 || bytes[10] == 0x54,
            bytes[13] == 0x3A, bytes[16] == 0x3A
        else { return nil }
        guard let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
            LocalDate.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if bytes.count > 19 {
            guard bytes[19] == 0x2E, bytes.count > 20, let digits = number(bytes, 20, bytes.count - 20) else { return nil }
            var scale = 1.0
            for _ in 20..<bytes.count { scale *= 10 }
            fraction = Double(digits) / scale
        }
        let date = LocalDate(year: year, month: month, day: day)
        let seconds = date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// The decimal number in `length` bytes from `start`, or nil when one is not a digit.
    static func number(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            let digit = Int(bytes[index]) - 0x30
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}

/// A stored value the code does not know (a status written by a newer version, say).
struct UnknownStoredValue: Error, CustomStringConvertible {
    let value: String
    var description: String { "unknown stored value '\(value)'" }
}

/// Reads stored calendar days (`YYYY-MM-DD`) from SQLite's bytes.
enum StoredDay {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> LocalDate? {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = StoredDate.number(bytes, 0, 4), let month = StoredDate.number(bytes, 5, 2), let day = StoredDate.number(bytes, 8, 2),
            LocalDate.isValid(year: year, month: month, day: day)
        else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }
}

/// SQLite's own bytes for a TEXT column of the row being stepped (valid until the
/// statement moves on), or nil when the value is not text.
enum SQLiteText {
    static func bytes(_ statement: SQLiteStatement, _ index: CInt) -> UnsafeRawBufferPointer? {
        guard sqlite3_column_type(statement, index) == SQLITE_TEXT, let text = sqlite3_column_text(statement, index) else { return nil }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, index)))
    }
}

/// A timestamp column as GRDB hands it to records: read from SQLite's own text when
/// the row is being stepped (GRDB's fast path for `StatementColumnConvertible`), with no
/// string or `Data` made on the way.
struct StoredTimestamp: DatabaseValueConvertible, StatementColumnConvertible {
    let date: Date

    init(_ date: Date) { self.date = date }

    init?(sqliteStatement: SQLiteStatement, index: CInt) {
        if let text = SQLiteText.bytes(sqliteStatement, index), let date = StoredDate.parse(text) {
            self.date = date
        } else {
            guard let date = StoredDate.date(DatabaseValue(sqliteStatement: sqliteStatement, index: index)) else { return nil }
            self.date = date
        }
    }

    var databaseValue: DatabaseValue { date.databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredTimestamp? {
        StoredDate.date(dbValue).map(StoredTimestamp.init)
    }
}

/// A calendar-day column (`YYYY-MM-DD`), read like ``StoredTimestamp``.
struct StoredLocalDay: DatabaseValueConvertible, StatementColumnConvertible {
    let day: LocalDate

    init(_ day: LocalDate) { self.day = day }

    init?(sqliteStatement: SQLiteStatement, index: CInt) {
        guard let text = SQLiteText.bytes(sqliteStatement, index), let day = StoredDay.parse(text) else { return nil }
        self.day = day
    }

    var databaseValue: DatabaseValue { day.description.databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredLocalDay? {
        String.fromDatabaseValue(dbValue).flatMap(LocalDate.init).map(StoredLocalDay.init)
    }
}

/// The streak's stored day states (one letter a day, ``DayState/letter``), read from
/// SQLite's bytes without making a string first: the dashboard reads it on every load.
struct StoredDayStates: DatabaseValueConvertible, StatementColumnConvertible {
    let states: [DayState]

    init(_ states: [DayState]) { self.states = states }

    init?(sqliteStatement: SQLiteStatement, index: CInt) {
        guard let text = SQLiteText.bytes(sqliteStatement, index) else { return nil }
        states = text.compactMap(DayState.init(letterByte:))
    }

    var databaseValue: DatabaseValue { String(states.map(\.letter)).databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDayStates? {
        String.fromDatabaseValue(dbValue).map { StoredDayStates($0.utf8.compactMap(DayState.init(letterByte:))) }
    }
}

/// A record's column list (`"id, user_id"`) with a table alias on each (`"t.id, t.user_id"`),
/// for joins that decode rows by position.
func qualifiedColumns(_ columns: String, _ alias: String) -> String {
    columns.split(separator: ",").map { alias + "." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
}

extension Row {
    /// The day states in column `index` (empty for NULL).
    func storedDayStates(_ index: Int) -> [DayState] {
        let value: StoredDayStates?? = try? decode(atIndex: index)
        return value??.states ?? []
    }

    /// The timestamp in column `index` (see ``StoredTimestamp``); nil for NULL or a value
    /// that is not a date.
    func storedDate(_ index: Int) -> Date? {
        let value: StoredTimestamp?? = try? decode(atIndex: index)
        return value??.date
    }

    /// The calendar day in column `index`, or nil when it is not a real `YYYY-MM-DD` day.
    func storedDay(_ index: Int) -> LocalDate? {
        let value: StoredLocalDay?? = try? decode(atIndex: index)
        return value??.day
    }

    /// A string-backed enum in column `index`, read through SQLite's text directly
    /// (GRDB's generic conversion looks up type metadata on every value).
    func storedEnum<T: RawRepresentable>(_ index: Int) throws -> T where T.RawValue == String {
        let raw: String = self[index]
        guard let value = T(rawValue: raw) else { throw UnknownStoredValue(value: raw) }
        return value
    }
}
