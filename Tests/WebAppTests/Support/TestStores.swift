import Foundation
import PostgresNIO
import Testing

@testable import WebApp

/// The storage backends, for tests that hold both to the same contract.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when `make test` started its throwaway server.
    static var available: [Backend] { TestPostgres.available ? [.sqlite, .postgres] : [.sqlite] }
}

/// A freshly migrated store of one backend, with raw SQL for what a test sets up or checks
/// outside the use cases (the statements must read the same on both backends).
struct TestStore: Sendable {
    typealias Storage = AccountStorage & TaskStorage & KeyValueStorage & AccessTokenStorage & TwoFactorStorage & WebhookStorage & FriendStorage & AdminStorage & SecurityLogStorage & RateLimitStorage
        & FocusStorage & ProfileStorage & ExchangeStorage & CalendarFeedStorage & HealthStorage

    let storage: any Storage
    let liveChanges: LiveChangeFeed
    private let sqlite: AppDatabase?
    private let postgres: PostgresStore?

    /// `body` with a new store, closed after it.
    static func with<Result: Sendable>(_ backend: Backend, _ body: (TestStore) async throws -> Result) async throws -> Result {
        switch backend {
        case .sqlite:
            let database = try AppDatabase(path: TemporaryFolders.new("fq-store").appendingPathComponent("db.sqlite").path)
            try database.migrate()
            return try await using(TestStore(storage: database, liveChanges: database.liveChanges, sqlite: database, postgres: nil), closing: { _ in try database.close() }, body)
        case .postgres:
            let store = try PostgresStore(url: try await TestPostgres.freshDatabaseURL(), logger: TestPostgres.logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                return try await body(TestStore(storage: store, liveChanges: store.liveChanges, sqlite: nil, postgres: store))
            }
        }
    }

    /// `body` with `count` PostgreSQL stores on one new database, as that many instances
    /// of the server would have: each its own pool and listener.
    static func withInstances<Result: Sendable>(_ count: Int, _ body: ([PostgresStore]) async throws -> Result) async throws -> Result {
        let url = try await TestPostgres.freshDatabaseURL()
        let stores = try (0..<count).map { _ in try PostgresStore(url: url, logger: TestPostgres.logger) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { await store.run() } }
            defer { group.cancelAll() }
            try await stores[0].migrate()
            return try await body(stores)
        }
    }

    func execute(_ sql: String) async throws {
        if let sqlite { try await sqlite.pool.write { try $0.execute(sql: sql) } }
        if let postgres { try await postgres.read { _ = try await $0.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger) } }
    }

    /// The first column of the first row, as a whole number.
    func integer(_ sql: String) async throws -> Int {
        if let sqlite { return try await sqlite.pool.read { try Int.fetchOne($0, sql: sql) } ?? 0 }
        let postgres = try #require(postgres)
        return try await postgres.read { try await $0.first(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger)?.decode(Int.self) } ?? 0
    }
}
