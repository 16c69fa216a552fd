import Foundation
import GRDB

/// The one SQLite database: a WAL `DatabasePool` with foreign keys on and a busy
/// timeout, migrated before the server accepts traffic. Each use case is one method
/// running in one transaction (see the extensions in this folder).
final class AppDatabase: Sendable {
    let pool: DatabasePool

    init(path: String, trace: (@Sendable (String) -> Void)? = nil) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let trace { db.trace { trace($0.expandedDescription) } }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Applies every migration not yet applied.
    func migrate() throws {
        try Migrations.migrator.migrate(pool)
    }

    /// Whether the database answers (for `/ready`).
    func isReady() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    func close() throws {
        try pool.close()
    }
}
