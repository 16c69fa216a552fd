import Foundation
import GRDB
import Logging
import PostgresNIO

/// `copy-database`: everything in the SQLite file into an empty PostgreSQL database (SPEC
/// §14), in one PostgreSQL transaction (all or nothing), then verified.
///
/// Tables go in the order PostgreSQL's schema creates them (a row's references come
/// before it), each a few hundred rows per statement, ids as they were (identity
/// sequences moved past them after). The users' counters are not copied: PostgreSQL's
/// triggers count them again as the tasks and daily totals arrive, and the verification
/// checks they equal a recount. Verified: every table's row count and sum of ids, and the
/// counters.
struct DatabaseCopy {
    let source: AppDatabase
    let target: PostgresStore
    let logger: Logger

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    struct Report: Sendable {
        var rows: [String: Int] = [:]
        var total: Int { rows.values.reduce(0, +) }
    }

    /// Kept by triggers on PostgreSQL (counted again as rows arrive), not copied.
    static let countedColumns: Set<String> = ["todo_count", "in_progress_count", "done_count", "focus_seconds_total", "focus_7d_seconds"]
    /// One row each, made by the schema: updated, not inserted.
    static let singletons: Set<String> = ["user_count", "focus_7d_window"]

    /// The tables in the order PostgreSQL's schema creates them.
    static var tables: [String] {
        PostgresMigrations.all.flatMap(\.statements).compactMap { statement in
            let words = statement.split(whereSeparator: \.isWhitespace)
            guard words.count > 2, words[0] == "CREATE", words[1] == "TABLE" else { return nil }
            let name = String(words[2])
            return PostgresMigrations.postgresOnlyTables.contains(name) ? nil : name
        }
    }

    func run(progress: (_ table: String, _ rows: Int) -> Void) async throws -> Report {
        var report = Report()
        try await target.write { tx in
            guard try await tx.one("SELECT count(*) FROM users").decode(Int.self) == 0 else {
                throw Refused(description: "the PostgreSQL database already has users; copy into an empty one")
            }
            // SQLite's window starts at '0000-01-01' until an admin first sorts by it; PostgreSQL's
            // at '-infinity' (it has no year 0).
            if let since = try source.read({ db in try String.fetchOne(db, sql: "SELECT since FROM focus_7d_window") }) {
                try await tx.execute("UPDATE focus_7d_window SET since = \(since.hasPrefix("0000-") ? "-infinity" : since)::date")
            }
            for table in Self.tables where !Self.singletons.contains(table) {
                let copied = try await copy(table, into: tx)
                report.rows[table] = copied
                progress(table, copied)
            }
            try await verify(tx.connection)
        }
        try await target.read { connection in
            // The triggers that count the copied tasks, sessions and ledger rows rewrote each
            // user's row once per row counted: `users` came out ~150 times its rows' size
            // (378 MB for 10,000 people), and the admin totals read it whole (~1 s each at
            // the bench's size). Written anew, compact.
            _ = try await connection.query("VACUUM (FULL) users, user_count", logger: logger)
            // The planner's statistics of the new rows now, not whenever autovacuum gets to
            // them (until then a freshly copied database is read with guessed plans), and the
            // rows vacuumed now: otherwise autovacuum walks every copied table a minute later,
            // beside the server's first requests (`make bench` on PostgreSQL, started right
            // after the copy, paid up to twice the CPU).
            _ = try await connection.query("VACUUM (ANALYZE)", logger: logger)
        }
        return report
    }

    /// PostgreSQL's columns of `table` (those to copy) with their types.
    private func columns(of table: String, _ tx: PostgresTransaction) async throws -> [(name: String, type: String)] {
        try await tx.all(
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = \(table) ORDER BY ordinal_position"
        ).map { try $0.decode((String, String).self) }.filter { !Self.countedColumns.contains($0.0) }.map { (name: $0.0, type: $0.1) }
    }

    /// A table a batch at a time, in the order of its primary key (keyset: each batch starts
    /// after the last one's key, so every row is read once whatever the table's size).
    private func copy(_ table: String, into tx: PostgresTransaction) async throws -> Int {
        let columns = try await columns(of: table, tx)
        let names = columns.map(\.name).joined(separator: ", ")
        let primaryKey = try source.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [table])
        }
        let key = primaryKey.isEmpty ? ["rowid"] : primaryKey
        let keyList = key.joined(separator: ", ")
        let batch = max(1, min(500, 30_000 / columns.count))
        var after: [DatabaseValue]?
        var copied = 0
        while true {
            let rows = try source.read { db in
                let start = after.map { values in "WHERE (\(keyList)) > (\(values.map { _ in "?" }.joined(separator: ", ")))" } ?? ""
                return try Row.fetchAll(
                    db, sql: "SELECT \(keyList), \(names) FROM \(table) \(start) ORDER BY \(keyList) LIMIT \(batch)",
                    arguments: StatementArguments(after ?? []))
            }
            guard let last = rows.last else { break }
            var bindings = PostgresBindings(capacity: rows.count * columns.count)
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (index, column) in columns.enumerated() {
                    try Self.bind(row, key.count + index, as: column.type, to: &bindings)
                    placeholders.append("$\(bindings.count)::\(column.type)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try await tx.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(table) (\(names)) VALUES " + tuples.joined(separator: ", "), binds: bindings))
            copied += rows.count
            after = (0..<key.count).map { last[$0] as DatabaseValue }
        }
        if columns.contains(where: { $0.name == "id" }) {
            try await tx.execute(PostgresQuery(unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)"))
        }
        return copied
    }

    /// SQLite's value in `row[index]` as PostgreSQL's column type wants it.
    private static func bind(_ row: Row, _ index: Int, as type: String, to bindings: inout PostgresBindings) throws {
        switch type {
        case "bigint": bindings.append(row[index] as Int64?)
        case "boolean": bindings.append(row[index] as Bool?)
        case "double precision": bindings.append(row[index] as Double?)
        case "timestamp with time zone": bindings.append(row.storedDate(index))
        case "bytea": try bindings.append(row[index] as Data?)
        case "text", "date": bindings.append(row[index] as String?)
        default: throw Refused(description: "a column of type \(type) has no copy rule")
        }
    }

    /// Every table's row count and sum of ids equal SQLite's, and the counters equal a
    /// recount, before the copy commits.
    private func verify(_ connection: PostgresConnection) async throws {
        for table in Self.tables where !Self.singletons.contains(table) {
            let hasID = try source.read { db in
                try Bool.fetchOne(db, sql: "SELECT COUNT(*) > 0 FROM pragma_table_info(?) WHERE name = 'id'", arguments: [table])
            } ?? false
            let sum = hasID ? "COALESCE(SUM(id), 0)" : "0"
            let (count, ids) = try source.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), \(sum) FROM \(table)")
                return (row?[0] as Int? ?? 0, row?[1] as Int64? ?? 0)
            }
            let copied = try await connection.first(PostgresQuery(unsafeSQL: "SELECT count(*), (\(sum))::bigint FROM \(table)"), logger: logger)
            guard let copied, try copied.decode((Int, Int64).self) == (count, ids) else {
                throw Refused(description: "\(table): the copy does not match the source (rows or ids); nothing was kept")
            }
        }
        let drift = try await connection.all(PostgresQuery(unsafeSQL: UserCounters.driftSQL), logger: logger)
        guard drift.isEmpty else { throw Refused(description: "the users' counters do not match a recount after the copy; nothing was kept") }
    }
}
