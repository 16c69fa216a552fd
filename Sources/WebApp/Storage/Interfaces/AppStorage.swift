import Foundation
import Logging

/// Every use case's storage together: what a running server is built on. SQLite
/// (``AppDatabase``, the default: one file, `DATABASE_PATH`) or PostgreSQL
/// (``PostgresStore``, `DATABASE_URL`: several instances, one database; SPEC §14).
protocol AppStorage: AccountStorage, ProfileStorage, TaskStorage, FocusStorage, FriendStorage, KeyValueStorage, AccessTokenStorage,
    TwoFactorStorage, WebhookStorage, AdminStorage, SecurityLogStorage, RateLimitStorage, ExchangeStorage, CalendarFeedStorage, HealthStorage
{
    /// Committed changes for the live streams (SPEC §12).
    var liveChanges: LiveChangeFeed { get }
    /// Ends the connections once the server has stopped.
    func shutdown() async throws
}

extension AppDatabase: AppStorage {
    func shutdown() async throws {
        try close()
    }
}

extension PostgresStore: AppStorage {}

/// Opens the configured database, migrated and ready (PostgreSQL's pool running).
enum StorageOpener {
    static func open(_ config: AppConfig, logger: Logger, trace: (@Sendable (String) -> Void)? = nil, server: Bool = false) async throws -> any AppStorage {
        if let url = config.databaseURL {
            let store = try PostgresStore(url: url, poolSize: config.databasePoolSize, logger: logger)
            store.start()
            do {
                try await store.migrate()
            } catch {
                // safe: the migration's error is the one to report; the pool goes with the process
                try? await store.shutdown()
                throw error
            }
            return store
        }
        let database = try AppDatabase(path: config.databasePath, trace: trace, checkpointsInBackground: server)
        try database.migrate()
        return database
    }
}
