import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import WebApp

/// A real server stack over a real SQLite file in a fresh temporary folder, with a clock
/// tests control. argon2 runs for real, with small costs unless a test asks otherwise.
struct TestApp {
    let folder: URL
    let clock: ManualClock
    let services: AppServices

    static let fastArgon2 = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)

    static func make(
        _ adjust: (inout AppConfig) -> Void = { _ in }, folder: URL? = nil, clock: ManualClock = ManualClock(),
        trace: (@Sendable (String) -> Void)? = nil
    ) async throws -> TestApp {
        let folder = folder ?? TemporaryFolders.new("fq-test")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = AppConfig()
        config.environment = .test
        config.databasePath = folder.appendingPathComponent("focusquest.sqlite").path
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
    /// (`DATABASE_URL`) whose connections close after it.
    static func with<Result: Sendable>(_ backend: Backend, _ adjust: (inout AppConfig) -> Void = { _ in }, _ body: (TestApp) async throws -> Result) async throws -> Result {
        let url = backend == .postgres ? try await TestPostgres.freshDatabaseURL() : nil
        let app = try await make { config in
            config.databaseURL = url
            adjust(&config)
        }
        return try await using(app, closing: { try await $0.services.database.shutdown() }, body)
    }

    /// `body` with `count` servers on one new PostgreSQL database, as instances behind a load
    /// balancer are (each its own pool, limits in the database, live changes by NOTIFY).
    static func withInstances<Result: Sendable>(
        _ count: Int, _ adjust: @escaping (inout AppConfig) -> Void = { _ in }, _ body: ([TestApp]) async throws -> Result
    ) async throws -> Result {
        let url = try await TestPostgres.freshDatabaseURL()
        var apps: [TestApp] = []
        do {
            for _ in 0..<count {
                apps.append(try await make { config in
                    config.databaseURL = url
                    adjust(&config)
                })
            }
            let result = try await body(apps)
            for app in apps { try await app.services.database.shutdown() }
            return result
        } catch {
            // safe: the test's error is the one to report
            for app in apps { try? await app.services.database.shutdown() }
            throw error
        }
    }

    /// A test app over a database the seeder filled (password hashes are placeholders).
    static func seeded(_ plan: Seeder.Plan) async throws -> TestApp {
        let app = try await make()
        let seeder = Seeder(database: app.sqlite, plan: plan, passwordHash: "x", qualifySeconds: 1800, now: app.clock.now)
        try await seeder.run { _ in }
        return app
    }

    /// The SQLite database behind the app, for tests that look at its rows directly.
    var sqlite: AppDatabase {
        // safe: make() builds on the SQLite file of `config.databasePath`; no test here sets DATABASE_URL
        services.database as! AppDatabase
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
