import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL backend (SPEC §14): a pool of connections to `DATABASE_URL`, migrated
/// before the server accepts traffic. Each use case is one method in one transaction with
/// SQL of its own (the extensions in this folder, one per store, answer the same storage
/// protocols as SQLite's ``AppDatabase``); the statements every request runs are named
/// prepared statements, prepared once per connection.
final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Committed changes for the live streams (SPEC §12): this instance's, published after
    /// their commit, and other instances', as ``listenForLiveChanges()`` hears them.
    let liveChanges = LiveChangeFeed()
    let live = PostgresLiveChannel()
    /// One connection's settings, for the migrations (run before the pool may be up).
    private let connection: PostgresConnection.Configuration
    /// The task running the pool, between ``start()`` and ``shutdown()``.
    private let running = Mutex<Task<Void, Never>?>(nil)

    /// The pool (at most `poolSize` connections) does nothing until ``run()`` runs.
    init(url: String, poolSize: Int = 20, logger: Logger) throws {
        var configuration = try PostgresURL.clientConfiguration(url)
        configuration.options.maximumConnections = poolSize
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        connection = try PostgresURL.configuration(url)
        self.logger = logger
    }

    /// Runs the pool (``run()``) in a task of its own until ``shutdown()``.
    func start() {
        running.withLock { task in
            if task == nil { task = Task { await self.run() } }
        }
    }

    /// Closes the pool's connections (after ``start()``).
    func shutdown() async throws {
        guard let task = running.withLock({ $0 }) else { return }
        task.cancel()
        await task.value
    }

    /// Keeps the pool's connections and listens for other instances' live changes until the
    /// calling task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listenForLiveChanges() }
        }
    }

    /// Applies every migration not yet applied (instances starting at once take turns) on a
    /// connection of its own; returns the names of those it applied.
    @discardableResult
    func migrate() async throws -> [String] {
        let connection = try await PostgresConnection.connect(configuration: connection, id: 0, logger: logger)
        do {
            let applied = try await PostgresMigrator(connection: connection, logger: logger).migrate()
            try await connection.close()
            return applied
        } catch {
            // safe: the migration's error is the one to report; the connection goes either way
            try? await connection.close()
            throw error
        }
    }

    /// One read on a pooled connection, outside a transaction (one statement, or parts
    /// that need not show one moment; see ``snapshot(_:)``).
    func read<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await work(connection) }
    }

    /// Several reads that must show one moment: a read-only REPEATABLE READ transaction.
    func snapshot<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        try await read { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await work(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // safe: the read's error is the one to report; a read-only transaction has nothing to undo
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// One write transaction (rolled back when `work` throws, its error rethrown as it
    /// was). The changes it noted for the live streams are published after the commit,
    /// here at once and to the other instances by `pg_notify` (delivered on commit).
    /// `rollingBack`: run it all and roll back (a dry run), publishing nothing.
    func write<T: Sendable>(rollingBack: Bool = false, _ work: (PostgresTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let transaction = PostgresTransaction(connection: connection, live: live, logger: logger)
            try await connection.query("BEGIN", logger: logger)
            let result: T
            do {
                result = try await work(transaction)
                if rollingBack {
                    try await connection.query("ROLLBACK", logger: logger)
                    return result
                }
                for message in transaction.unsentMessages() {
                    try await connection.query("SELECT pg_notify(\(PostgresLiveChannel.name), \(message))", logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                // safe: the use case's error is the one to report; after a failed COMMIT
                // there is nothing to roll back, and a broken connection leaves the pool.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            let changes = transaction.changes
            if !changes.isEmpty { liveChanges.publish(changes, origin: LiveOrigin.window) }
            return result
        }
    }

}

/// A write transaction's connection and the changes it noted for the live streams.
final class PostgresTransaction: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    private let live: PostgresLiveChannel
    /// The changes noted, and how many of them a statement has already announced.
    private let noted = Mutex<(changes: [LiveChange], sent: Int)>(([], 0))

    init(connection: PostgresConnection, live: PostgresLiveChannel, logger: Logger) {
        self.connection = connection
        self.live = live
        self.logger = logger
    }

    func note(userID: Int64, _ topic: LiveTopic, taskIDs: [Int64] = []) {
        noted.withLock { $0.changes.append(LiveChange(userID: userID, topic: topic, taskIDs: taskIDs)) }
    }

    var changes: [LiveChange] { noted.withLock { $0.changes } }

    func execute(_ query: PostgresQuery) async throws {
        try await connection.query(query, logger: logger)
    }

    /// A use case's last statement, which also announces the changes noted so far
    /// (`pg_notify`, delivered on commit): one round trip where a separate notify before the
    /// COMMIT would be two. Changes noted after it are announced before the COMMIT as usual.
    /// `query` must write (INSERT, UPDATE, DELETE): it runs as a `WITH` part, and PostgreSQL
    /// runs a writing `WITH` part whether or not anything reads it — a plain SELECT it would skip.
    func executeLast(_ query: PostgresQuery) async throws {
        let messages = unsentMessages()
        guard !messages.isEmpty else { return try await execute(query) }
        var binds = query.binds
        binds.append(PostgresLiveChannel.name)
        binds.append(messages)
        let sql = "WITH last AS (\(query.sql)) SELECT pg_notify($\(binds.count - 1), message) FROM unnest($\(binds.count)::text[]) AS message"
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    /// The live messages of the changes no statement has announced yet, marked announced.
    func unsentMessages() -> [String] {
        let unsent = noted.withLock { noted in
            defer { noted.sent = noted.changes.count }
            return Array(noted.changes[noted.sent...])
        }
        return live.messages(unsent, origin: LiveOrigin.window)
    }

    func all(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.all(query, logger: logger)
    }

    func first(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await connection.first(query, logger: logger)
    }

    /// The row a statement always returns (an `INSERT … RETURNING`).
    func one(_ query: PostgresQuery) async throws -> PostgresRow {
        guard let row = try await first(query) else { throw NoRow() }
        return row
    }

    struct NoRow: Error {}
}

extension PostgresConnection {
    func all(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    func first(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRow? {
        try await all(query, logger: logger).first
    }
}

extension PSQLError {
    /// A unique index refused the row (SQLSTATE 23505).
    var isUniqueViolation: Bool { serverInfo?[.sqlState] == "23505" }
}
