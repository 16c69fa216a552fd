import Foundation
import Logging
import PostgresNIO
import Testing

@testable import WebApp

/// The throwaway PostgreSQL server `make test` starts (`scripts/postgres-test-server.sh`),
/// named by `TEST_DATABASE_URL`; tests that need it are skipped without it (a plain
/// `swift test`). Each test gets a database of its own.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
    static var available: Bool { url != nil }
    static let logger = Logger(label: "test-postgres")

    /// `body` with a connection to a new, empty database on the server.
    static func withFreshDatabase<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await withConnection(try await freshDatabaseConfiguration(), body)
    }

    /// `body` with a connection, closed after it whatever happens (PostgresNIO requires it).
    @discardableResult
    static func withConnection<Result>(
        _ configuration: PostgresConnection.Configuration, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await using(try await connect(configuration), closing: { try await $0.close() }, body)
    }

    /// A new, empty database on the server: the settings to connect to it.
    static func freshDatabaseConfiguration() async throws -> PostgresConnection.Configuration {
        try PostgresURL.configuration(try await freshDatabaseURL())
    }

    /// A new, empty database on the server: its URL.
    static func freshDatabaseURL() async throws -> String {
        let serverURL = try #require(url)
        let name = "fq_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withConnection(try PostgresURL.configuration(serverURL)) { admin in
            _ = try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var components = try #require(URLComponents(string: serverURL))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// Drops a database `freshDatabaseURL()` made (its connections closed first).
    static func dropDatabase(_ databaseURL: String) async throws {
        let name = try #require(URLComponents(string: databaseURL)?.path.dropFirst())
        try await withConnection(try PostgresURL.configuration(try #require(url))) { admin in
            _ = try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"), logger: logger)
        }
    }

    private static func connect(_ configuration: PostgresConnection.Configuration) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    /// Every row's value.
    static func values<Value: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, as type: Value.Type = Value.self) async throws -> [Value] {
        var values: [Value] = []
        for try await value in rows.decode(Value.self) { values.append(value) }
        return values
    }
}
