import Foundation
import GRDB

/// The one SQLite database: a WAL `DatabasePool` with foreign keys on and a busy
/// timeout, migrated before the server accepts traffic. Each use case is one method
/// running in one transaction (see the extensions in this folder).
///
/// Reads run their transaction on the calling thread (GRDB's synchronous API, on a
/// read-only connection from ``ReadConnections``) rather than hopping to a GRDB queue
/// and back: a read here takes tens of microseconds of
/// CPU, less than the two thread switches of an asynchronous access, and readers never
/// wait in WAL mode. Writes go through GRDB's writer queue asynchronously: a writer can
/// wait for another one, or for a WAL checkpoint's fsync, and must not hold one of
/// the few threads every request runs on while it does.
final class AppDatabase: Sendable {
    let pool: DatabasePool
    private let readers: ReadConnections

    let path: String
    /// Committed changes for the live streams (SPEC §12).
    let liveChanges = LiveChangeFeed()

    /// `checkpointsInBackground`: the connections never checkpoint the WAL themselves;
    /// a running ``WALCheckpointer`` must do it (the server runs one).
    init(path: String, trace: (@Sendable (String) -> Void)? = nil, checkpointsInBackground: Bool = false) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if checkpointsInBackground { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            if let trace { db.trace { trace($0.expandedDescription) } }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        readers = ReadConnections(path: path, configuration: configuration)
    }

    /// Applies every migration not yet applied.
    func migrate() throws {
        try Migrations.migrator.migrate(pool)
    }

    /// One read transaction on the calling thread.
    func read<T>(_ work: (Database) throws -> T) throws -> T {
        try readers.read(work)
    }

    /// One write transaction on GRDB's writer queue (rolled back when `work` throws). The
    /// changes it noted for the live streams are published after the commit.
    func write<T: Sendable>(_ work: @Sendable (Database) throws -> T) async throws -> T {
        let (result, changes) = try await pool.write { db in try LiveChangeLog.collecting(db) { try work(db) } }
        publishCommitted(changes)
        return result
    }

    /// Hands a committed transaction's changes to the live streams, named by the page
    /// window whose request made them.
    func publishCommitted(_ changes: [LiveChange]) {
        if !changes.isEmpty { liveChanges.publish(changes, origin: LiveOrigin.window) }
    }

    /// Whether the database answers (for `/ready`).
    func isReady() async -> Bool {
        (try? read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    func close() throws {
        try readers.close()
        try pool.close()
    }
}
