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
/// readers or the writer. Under steady writes a passive checkpoint never finishes (new
/// frames arrive while it copies) and the log would grow without end, so once it holds
/// more than ``restartFrames`` frames a RESTART checkpoint copies the few frames left,
/// holding writers back that long (at most a fifth of a second while readers finish),
/// and the next write starts the log from its beginning again.
/// When the log has been fully copied and nothing was written since the last look, the
/// server is idle and a TRUNCATE checkpoint gives the log file's space back (a burst
/// would otherwise leave it at its peak size until the server stops).
/// It stops with the server; closing the database checkpoints what is left.
struct WALCheckpointer: Service {
    let path: String
    let interval: Duration
    let logger: Logger

    /// About 64 MiB of 4 KiB pages.
    static let restartFrames = 16_384

    func run() async throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(0.2)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? connection.close() }
        try? await cancelWhenGracefulShutdown {
            var plan = Plan()
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    let (frames, copied) = try await Self.checkpoint(connection)
                    if let mode = plan.next(frames: frames, copied: copied) { try await Self.checkpoint(connection, mode) }
                } catch {
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One checkpoint: frames in the log and frames now in the database file.
    @discardableResult
    static func checkpoint(_ connection: DatabaseQueue, _ mode: Database.CheckpointMode = .passive) async throws -> (walFrameCount: Int, checkpointedFrameCount: Int) {
        try await connection.writeWithoutTransaction { db in try db.checkpoint(mode) }
    }

    /// What follows a passive checkpoint: RESTART when the log is long, TRUNCATE when it
    /// was all copied and unchanged since the last look (idle), else nothing.
    struct Plan {
        private var lastFrames = -1

        mutating func next(frames: Int, copied: Int) -> Database.CheckpointMode? {
            defer { lastFrames = frames }
            if frames > WALCheckpointer.restartFrames { return .restart }
            if frames > 0 && copied == frames && frames == lastFrames { return .truncate }
            return nil
        }
    }
}
