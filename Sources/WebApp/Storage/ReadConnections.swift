import GRDB
import Synchronization

/// Read-only connections for ``AppDatabase/read(_:)``, handed out from a stack.
///
/// GRDB's reader pool serves asynchronous readers too, and pays for it on every read
/// (a barrier queue, a semaphore, a dispatch group and a key path resolved at run time);
/// profiles showed that as a few percent of each request. Reads here run on the calling
/// thread, so the pool only needs to hand a free connection out and take it back. It
/// holds as many connections as reads ever ran at once (bounded by the threads that
/// run requests).
final class ReadConnections: Sendable {
    private let path: String
    private let configuration: Configuration
    private let idle = Mutex<[DatabaseQueue]>([])

    init(path: String, configuration: Configuration) {
        var configuration = configuration
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
    }

    /// `work` in one deferred transaction: every statement sees the same snapshot. The
    /// transaction's statements are prepared once per connection (GRDB's `read` parses
    /// them again on every call, which showed in profiles).
    func read<T>(_ work: (Database) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? DatabaseQueue(path: path, configuration: configuration)
        defer { idle.withLock { $0.append(connection) } }
        return try connection.inDatabase { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            let result: T
            do {
                result = try work(db)
            } catch {
                try db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
                throw error
            }
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        }
    }

    func close() throws {
        for connection in idle.withLock({ $0 }) { try connection.close() }
    }
}
