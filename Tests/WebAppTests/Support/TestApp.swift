import Domain
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import WebApp

/// A real server stack over a real SQLite file in a fresh temporary folder — or a fresh
/// PostgreSQL database when the suites run on it (``Backend/underTest``) — with a clock
/// tests control. argon2 runs for real, with small costs unless a test asks otherwise.
struct TestApp {
    let folder: URL
    let clock: ManualClock
    let services: AppServices

    static let fastArgon2 = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)

    /// On PostgreSQL each app gets a new database, closed and dropped when the test ends
    /// (its suite is ``Trait/closingTestApps``).
    static func make(
        on backend: Backend = .underTest, _ adjust: (inout AppConfig) -> Void = { _ in }, folder: URL? = nil, clock: ManualClock = ManualClock(),
        trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> TestApp {
        guard backend == .postgres else { return try await make(databaseURL: nil, adjust, folder: folder, clock: clock, trace: trace) }
        let opened = try #require(OpenedTestApps.current, "the suite closes its apps: @Suite(.closingTestApps)")
        let url = try await opened.databaseURL(for: folder)
        let app = try await make(databaseURL: url, adjust, folder: folder, clock: clock, trace: trace)
        opened.add(app.services.database)
        return app
    }

    private static func make(
        databaseURL: String?, _ adjust: (inout AppConfig) -> Void, folder: URL?, clock: ManualClock, trace: (@Sendable (String) -> Void)?
    ) async throws -> TestApp {
        let folder = folder ?? TemporaryFolders.new("fq-test")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = AppConfig()
        config.environment = .test
        config.databasePath = folder.appendingPathComponent("focusquest.sqlite").path
        config.databaseURL = databaseURL
        // Tests run side by side on one throwaway server (max_connections 400).
        config.databasePoolSize = 4
        config.jwtSecret = Array("test-secret-that-is-long-enough-for-hs256".utf8)
        config.argon2 = fastArgon2
        config.authRequestsPerIP = 10_000
        config.publicDirectory = Self.repositoryRoot.appendingPathComponent("Public").path
        // Tests deliver webhooks by calling the dispatcher themselves; the server's own
        // waits an interval before each look, so it never runs here (a test that wants it
        // sets a short interval).
        config.webhooks.pollInterval = .seconds(3600)
        adjust(&config)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let services = try await AppServices.make(config: config, clock: clock, logger: logger, trace: trace)
        return TestApp(folder: folder, clock: clock, services: services)
    }

    /// `body` with a test app on `backend`: SQLite's file, or a new PostgreSQL database
    /// closed and dropped after it.
    static func with<Result: Sendable>(_ backend: Backend, _ adjust: (inout AppConfig) -> Void = { _ in }, _ body: (TestApp) async throws -> Result) async throws -> Result {
        try await OpenedTestApps.scope { _ in try await body(try await make(on: backend, adjust)) }
    }

    /// `body` with `count` servers on one new PostgreSQL database, as instances behind a load
    /// balancer are (each its own pool, limits in the database, live changes by NOTIFY).
    static func withInstances<Result: Sendable>(
        _ count: Int, _ adjust: (inout AppConfig) -> Void = { _ in }, _ body: ([TestApp]) async throws -> Result
    ) async throws -> Result {
        try await OpenedTestApps.scope { opened in
            let url = try await opened.databaseURL(for: nil)
            var apps: [TestApp] = []
            for _ in 0..<count {
                let app = try await make(databaseURL: url, adjust, folder: nil, clock: ManualClock(), trace: nil)
                opened.add(app.services.database)
                apps.append(app)
            }
            return try await body(apps)
        }
    }

    /// A test app over a database the seeder filled (password hashes are placeholders); on
    /// PostgreSQL the seeded SQLite file is copied into a new database (`copy-database`).
    static func seeded(_ plan: Seeder.Plan, on backend: Backend = .underTest) async throws -> TestApp {
        let app = try await make(on: .sqlite)
        let seeder = Seeder(database: try app.sqlite, plan: plan, passwordHash: "x", qualifySeconds: 1800, now: app.clock.now)
        try await seeder.run { _ in }
        guard backend == .postgres else { return app }
        let opened = try #require(OpenedTestApps.current, "the suite closes its apps: @Suite(.closingTestApps)")
        let url = try await opened.databaseURL(for: nil)
        let target = try PostgresStore(url: url, poolSize: 2, logger: TestPostgres.logger)
        target.start()
        try await using(target, closing: { try await $0.shutdown() }) { target in
            try await target.migrate()
            _ = try await DatabaseCopy(source: try app.sqlite, target: target, logger: TestPostgres.logger).run { _, _ in }
        }
        let copied = try await make(databaseURL: url, { _ in }, folder: nil, clock: app.clock, trace: nil)
        opened.add(copied.services.database)
        return copied
    }

    /// The SQLite database behind the app, for tests that look at its rows directly.
    /// (Such a test is ``Trait/sqliteOnly`` or makes its app `on: .sqlite`; ``execute(_:)`` and
    /// ``integer(_:)`` run SQL that reads the same on both backends.)
    var sqlite: AppDatabase {
        get throws {
            guard let sqlite = services.database as? AppDatabase else { throw NotOnSQLite() }
            return sqlite
        }
    }

    struct NotOnSQLite: Error, CustomStringConvertible {
        var description: String { "this test reads SQLite's rows: mark it .sqliteOnly" }
    }

    /// Runs SQL that reads the same on both backends (a test's setup outside the use cases).
    func execute(_ sql: String) async throws {
        if let postgres = services.database as? PostgresStore {
            try await postgres.read { _ = try await $0.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger) }
        } else {
            try await sqlite.pool.write { try $0.execute(sql: sql) }
        }
    }

    /// `date` as an SQL literal of a stored time on either backend: GRDB's form (UTC,
    /// `yyyy-MM-dd HH:mm:ss.SSS`), with its zone for PostgreSQL.
    func timestamp(_ date: Date) -> String {
        let stored = String.fromDatabaseValue(date.databaseValue) ?? ""
        return services.database is PostgresStore ? "'\(stored)+00'" : "'\(stored)'"
    }

    /// The first column of the first row of SQL that reads the same on both backends, as a
    /// whole number (0 without a row).
    func integer(_ sql: String) async throws -> Int {
        if let postgres = services.database as? PostgresStore {
            return try await postgres.read { try await $0.first(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger)?.decode(Int.self) } ?? 0
        }
        return try await sqlite.pool.read { try Int.fetchOne($0, sql: sql) } ?? 0
    }

    /// An admin account `root` with the tests' usual password (as `make run` creates one).
    func addAdmin() async throws {
        let hash = try Argon2.hash("correct horse battery", parameters: TestApp.fastArgon2)
        _ = try await services.database.upsertAdmin(username: "root", passwordHash: hash, at: clock.now)
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    var application: some ApplicationProtocol { AppRouter.application(services) }

    func test<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await application.test(setup, body)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }

    var errorFields: [String: String]? {
        ((try? json())?["error"] as? [String: Any])?["fields"] as? [String: String]
    }

    /// The `Set-Cookie` header for `name`, whole (value and attributes).
    func setCookie(_ name: String) -> String? {
        headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }
}

extension TestClientProtocol {
    /// Sends a JSON body to the API.
    @discardableResult
    func api(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if json != nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Signs up through the API and returns (access token, refresh token, user id).
    func apiSignup(_ username: String, password: String = "correct horse battery") async throws -> (access: String, refresh: String, id: Int) {
        let response = try await api(.post, "/api/v1/auth/signup", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
        #expect(response.status == .created, "\(response.text)")
        let body = try response.json()
        let user = try #require(body["user"] as? [String: Any])
        return (try #require(body["access_token"] as? String), try #require(body["refresh_token"] as? String), try #require(user["id"] as? Int))
    }

    /// Logs in through the API and returns the access token.
    func apiLogin(_ username: String, password: String = "correct horse battery") async throws -> String {
        let response = try await api(.post, "/api/v1/auth/login", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["access_token"] as? String)
    }
}

/// A browser for tests: keeps cookies and repeats the CSRF token like the pages do.
final class Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    var csrf: String { cookies["fq_csrf"] ?? "" }

    @discardableResult
    func get(_ uri: String, hx: Bool = false) async throws -> TestResponse {
        try await send(.get, uri, headers: hx ? [.hxRequest: "true"] : [:], body: nil)
    }

    /// Posts a form with the `_csrf` field filled in (unless `csrf` is given explicitly).
    @discardableResult
    func post(_ uri: String, _ fields: [String: String] = [:], csrf: String? = nil, hx: Bool = false, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var fields = fields
        fields["_csrf"] = csrf ?? self.csrf
        let body = fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
        }.joined(separator: "&")
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if hx { headers[.hxRequest] = "true" }
        return try await send(.post, uri, headers: headers, body: ByteBuffer(string: body))
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, headers extra: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = extra
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// Loads the signup page (for the CSRF cookie) and signs up.
    @discardableResult
    func signup(_ username: String, password: String = "correct horse battery", timezone: String = "Europe/Berlin") async throws -> TestResponse {
        try await get("/signup")
        return try await post("/signup", ["username": username, "password": password, "timezone": timezone])
    }
}
