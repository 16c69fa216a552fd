import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// Records decode by position from the column lists their queries name, so a list must
/// name columns of its table in table order (for `users`, the counters the triggers keep
/// sit between the first columns and the later ones), and the hand-written timestamp
/// reader must agree with GRDB's.
@Suite struct RowDecodingTests {
    @Test(arguments: [
        ("users", UserRecord.columns), ("tasks", TaskRecord.columns), ("timers", TimerRecord.columns),
    ])
    func columnListsAreTheTablesColumnsInOrder(table: String, columns: String) throws {
        let database = try AppDatabase(path: TemporaryFolders.new("fq-columns").appendingPathComponent("db.sqlite").path)
        try database.migrate()
        let names = try database.read { db in try db.columns(in: table).map(\.name) }
        let listed = columns.components(separatedBy: ", ")
        #expect(names.filter(listed.contains) == listed, "the record's columns, in table order")
        if table == "users" { #expect(listed.count == UserRecord.columnCount) }
        try database.close()
    }

    /// Random instants from 1900 to 2200, stored the way GRDB stores dates, read back
    /// by ``StoredDate`` and by GRDB: the same instant to the millisecond.
    @Test func storedDatesMatchGRDBsOwnReading() {
        var random = SeededRandom(seed: 0x5eed_da7e)
        for _ in 0..<3_000 {
            let seconds = Double(Int.random(in: -2_208_988_800...7_258_118_400, using: &random)) + Double(Int.random(in: 0...999, using: &random)) / 1000
            let value = Date(timeIntervalSince1970: seconds).databaseValue
            let ours = StoredDate.date(value)
            let grdb = Date.fromDatabaseValue(value)
            #expect(ours != nil && grdb != nil)
            if let ours, let grdb { #expect(abs(ours.timeIntervalSince(grdb)) < 0.0005, "\(value)") }
        }
    }

    @Test(arguments: ["2026-02-30 10:00:00", "2026-13-01 10:00:00", "2026-01-01 24:00:00", "2026-01-01", "2026-01-01 10:00:00.", "x026-01-01 10:00:00"])
    func shapesItDoesNotKnowAreLeftToGRDB(text: String) {
        #expect(StoredDate.parse(text) == nil)
    }

    /// Stored days read from bytes agree with `LocalDate`'s own parser, real or not.
    @Test(arguments: ["2026-11-23", "1970-01-01", "2024-02-29", "2023-02-29", "2026-13-01", "2026-00-10", "2026-1-10", "20261123xx", "abcd-ef-gh", ""])
    func storedDaysMatchLocalDate(text: String) {
        var copy = text
        let ours = copy.withUTF8 { StoredDay.parse(UnsafeRawBufferPointer($0)) }
        #expect(ours == LocalDate(text))
    }

    /// Rows being stepped (SQLite's text read in place) and copied rows (GRDB's values)
    /// give the same timestamps and days, and NULL stays nil.
    @Test func steppedAndCopiedRowsAgree() throws {
        let database = try AppDatabase(path: TemporaryFolders.new("fq-rows").appendingPathComponent("db.sqlite").path)
        let instants = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_795_424_130.25), Date(timeIntervalSince1970: -86_400.5)]
        let sql = "SELECT ?, ?, ?, NULL, '2026-11-23', 'not a day'"
        let arguments = StatementArguments(instants)
        let stepped = try database.read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            let row = try #require(try rows.next())
            return ((0..<4).map { row.storedDate($0) }, row.storedDay(4), row.storedDay(5))
        }
        let copied = try #require(try database.read { db in try Row.fetchOne(db, sql: sql, arguments: arguments) })
        #expect(stepped.0 == (0..<4).map { copied.storedDate($0) })
        #expect(stepped.0 == instants + [nil])
        #expect(stepped.1 == LocalDate(year: 2026, month: 11, day: 23) && copied.storedDay(4) == stepped.1)
        #expect(stepped.2 == nil && copied.storedDay(5) == nil)
        try database.close()
    }

    @Test func readsSecondsWithAndWithoutFractions() {
        #expect(StoredDate.parse("1970-01-01 00:00:00") == Date(timeIntervalSince1970: 0))
        #expect(StoredDate.parse("2026-11-23T08:55:30.250") == Date(timeIntervalSince1970: 1_795_424_130.25))
    }
}
