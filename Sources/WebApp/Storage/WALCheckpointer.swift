import GRDB
import Logging
import ServiceLifecycle

/// Copies the write-ahead log back into the database file from its own connection, a
/// few times a second, while the server runs.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so
/// every thousandth page or so one request waits for the copy and its fsync, and every
/// write queued behind it waits too: under `make bench` that was the whole p99 of the
/// task-status write (108 ms with it, 17 ms without). The server's connections turn
/// the automatic checkpoint off (``AppDatabase/init(path:trace:checkpointsInBackground:)``)
/// and this service does the same PASSIVE checkpoint on the side: it never blocks
/// readers or the writer. It stops with the server; closing the database checkpoints
/// what is left.
struct WALCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let connection = try DatabaseQueue(path: path)
        defer { try? connection.close() }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    try await Self.checkpoint(connection)
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One PASSIVE checkpoint: frames in the log and frames now in the database file.
    @discardableResult
    static func checkpoint(_ connection: DatabaseQueue) async throws -> (walFrameCount: Int, checkpointedFrameCount: Int) {
        try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }
}
