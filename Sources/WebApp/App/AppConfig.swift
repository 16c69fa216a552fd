import Foundation
import Logging

/// The server's configuration, read from the environment only (SPEC §7).
struct AppConfig: Sendable {
    enum Environment: String, Sendable {
        case development, test, production
    }

    struct ConfigError: Error, CustomStringConvertible {
        let description: String
    }

    var environment: Environment = .development
    var host = "127.0.0.1"
    var port = 8080
    var databasePath = "./data/focusquest.sqlite"
    /// `DATABASE_URL`: PostgreSQL instead of the SQLite file (SPEC §14).
    var databaseURL: String?
    /// `DATABASE_POOL_SIZE`: the most connections one instance opens to PostgreSQL (its pool,
    /// plus one that listens for live changes). Instances × (size + 1) must stay under the
    /// server's `max_connections` (100 by default).
    var databasePoolSize = 20
    var jwtSecret: [UInt8] = []
    var logLevel: Logger.Level = .info
    var publicDirectory = "Public"
    /// The templates' folder: `VIEWS_DIR`, or in development the project's own
    /// `Sources/WebApp/Views` when the server runs from the project (so an edit shows
    /// on the next page without a rebuild); otherwise the copy bundled with the binary.
    var viewsDirectory: String?
    var argon2 = Argon2Parameters.standard
    /// How many password hashes may wait for a free core before logins get 503.
    var hashQueueLimit = 64
    var accessTokenLifetime: TimeInterval = 24 * 3600
    var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    var authFailuresPerUsername = 5
    var authFailureWindow: TimeInterval = 15 * 60
    var authRequestsPerIP = 60
    /// A connection that does not finish a request head (or stalls in a body) for this
    /// long — silent, half-sent or idle between requests — is closed.
    var idleTimeout: Duration = .seconds(30)
    /// Open connections beyond this are closed as they arrive, so silent connections
    /// cannot take every file descriptor and starve everyone (`/health` included).
    var maxConnections = ConnectionGuard.defaultLimit
    /// Focus minutes that make a day count for the streak.
    var qualifyMinutes = 30
    /// When set, `/metrics` answers only to `Authorization: Bearer <token>`.
    var metricsToken: String?
    /// The OpenAI-compatible endpoint the suggester asks first (all three of `AI_BASE_URL`,
    /// `AI_MODEL` and, optional, `AI_API_KEY`), and how long it may take.
    var remoteSuggester: RemoteSuggester.Endpoint?
    /// Remote suggestions per user per hour; past it the built-in suggester answers.
    var remoteSuggestionsPerHour = 60

    /// `PUBLIC_URL`: the address people reach the server at (`https://focus.example.org`),
    /// for links the server hands out (calendar feeds). Unset: the request's own host.
    var publicURL: String?
    /// `TRUSTED_PROXIES`: the addresses of reverse proxies (comma-separated), whose requests
    /// carry the client's address in `X-Real-IP` / `X-Forwarded-For` (``ForwardedClientMiddleware``).
    var trustedProxies: Set<String> = []
    /// `WEBHOOK_ALLOW_PRIVATE=true`: production webhooks may use http and private addresses.
    var webhookAllowPrivate = false
    var webhooks = WebhookSettings()
    /// `DATA_KEY`: seals secrets at rest (TOTP secrets). Production without it has no key
    /// (enrolment answers 503); development and tests fall back to a fixed key.
    var dataKey: DataKey? = .development
    /// `EVENTS_HEARTBEAT_SECONDS`: the keep-alive comment's interval on event streams.
    var eventsHeartbeat: Duration = .seconds(25)

    var isProduction: Bool { environment == .production }

    /// Reads the configuration. Production refuses a missing or short `JWT_SECRET`;
    /// development keeps a generated secret in the data folder so sessions survive restarts.
    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        if let raw = env["APP_ENV"] {
            guard let environment = Environment(rawValue: raw) else {
                throw ConfigError(description: "APP_ENV must be development, test or production, not '\(raw)'")
            }
            config.environment = environment
        }
        config.host = env["HOST"] ?? (config.isProduction ? "0.0.0.0" : "127.0.0.1")
        config.port = try integer(env, "PORT", default: 8080, in: 1...65535)
        config.databasePath = env["DATABASE_PATH"] ?? config.databasePath
        if let url = env["DATABASE_URL"], !url.isEmpty {
            do {
                _ = try PostgresURL.configuration(url)
            } catch let invalid as PostgresURL.Invalid {
                throw ConfigError(description: invalid.description)
            }
            config.databaseURL = url
        }
        config.databasePoolSize = try integer(env, "DATABASE_POOL_SIZE", default: 20, in: 1...1000)
        if let level = env["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigError(description: "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            config.logLevel = parsed
        }
        config.publicDirectory = env["PUBLIC_DIR"] ?? config.publicDirectory
        config.viewsDirectory = env["VIEWS_DIR"] ?? (config.environment == .development ? Self.projectViews : nil)
        config.argon2 = Argon2Parameters(
            memoryKiB: try integer(env, "ARGON2_MEMORY_KIB", default: 19456, in: 1024...(4 << 20)),
            iterations: try integer(env, "ARGON2_ITERATIONS", default: 2, in: 1...20),
            parallelism: try integer(env, "ARGON2_PARALLELISM", default: 1, in: 1...16))
        config.hashQueueLimit = try integer(env, "HASH_QUEUE_LIMIT", default: 64, in: 0...10_000)
        config.accessTokenLifetime = TimeInterval(try integer(env, "ACCESS_TOKEN_TTL_SECONDS", default: 86_400, in: 60...(30 * 86_400)))
        config.refreshTokenLifetime = TimeInterval(try integer(env, "REFRESH_TOKEN_TTL_DAYS", default: 30, in: 1...365) * 86_400)
        config.authFailuresPerUsername = try integer(env, "AUTH_FAILURES_PER_USERNAME", default: 5, in: 1...10_000)
        config.authRequestsPerIP = try integer(env, "AUTH_REQUESTS_PER_IP", default: 60, in: 1...1_000_000)
        config.qualifyMinutes = try integer(env, "QUALIFY_MINUTES", default: 30, in: 1...1440)
        config.idleTimeout = .seconds(try integer(env, "IDLE_TIMEOUT_SECONDS", default: 30, in: 1...3600))
        config.maxConnections = try integer(env, "MAX_CONNECTIONS", default: ConnectionGuard.defaultLimit, in: 1...1_000_000)
        config.jwtSecret = try secret(env["JWT_SECRET"], config: config)
        config.dataKey = try dataKey(env["DATA_KEY"], name: "DATA_KEY", config: config)
        config.eventsHeartbeat = .seconds(try integer(env, "EVENTS_HEARTBEAT_SECONDS", default: 25, in: 1...3600))
        if let token = env["METRICS_TOKEN"], !token.isEmpty { config.metricsToken = token }
        config.webhookAllowPrivate = env["WEBHOOK_ALLOW_PRIVATE"] == "true"
        if let schedule = env["WEBHOOK_RETRY_SECONDS"], !schedule.isEmpty {
            let waits = schedule.split(separator: ",").map { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            guard !waits.isEmpty, waits.allSatisfy({ $0.map { $0 >= 0 } ?? false }) else {
                throw ConfigError(description: "WEBHOOK_RETRY_SECONDS must be seconds separated by commas, such as 60,300,1800,7200,43200")
            }
            config.webhooks.retrySchedule = waits.compactMap { $0 }
        }
        config.webhooks.pollInterval = .milliseconds(try integer(env, "WEBHOOK_POLL_MS", default: 500, in: 10...3_600_000))
        if let url = env["PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, parsed.query == nil else {
                throw ConfigError(description: "PUBLIC_URL must be an http(s) URL such as https://focus.example.org")
            }
            config.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        for proxy in (env["TRUSTED_PROXIES"] ?? "").split(separator: ",") {
            guard let address = ForwardedClientMiddleware.address(String(proxy)) else {
                throw ConfigError(description: "TRUSTED_PROXIES must list IP addresses separated by commas, such as 127.0.0.1,10.0.0.2")
            }
            config.trustedProxies.insert(address)
        }
        config.remoteSuggestionsPerHour = try integer(env, "AI_CALLS_PER_USER_PER_HOUR", default: 60, in: 0...100_000)
        if let base = env["AI_BASE_URL"], !base.isEmpty {
            guard let url = URL(string: base), ["http", "https"].contains(url.scheme ?? ""), let model = env["AI_MODEL"], !model.isEmpty else {
                throw ConfigError(description: "AI_BASE_URL must be an http(s) URL and AI_MODEL must be set with it")
            }
            config.remoteSuggester = RemoteSuggester.Endpoint(
                baseURL: base, apiKey: env["AI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }, model: model,
                timeout: .milliseconds(Int64(try integer(env, "AI_TIMEOUT_MS", default: 3000, in: 100...60_000))))
        }
        return config
    }

    private static var projectViews: String? {
        let path = "Sources/WebApp/Views"
        return FileManager.default.fileExists(atPath: path + "/layout.html") ? path : nil
    }

    private static func integer(_ env: [String: String], _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = env[name] else { return value }
        guard let parsed = Int(raw), range.contains(parsed) else {
            throw ConfigError(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return parsed
    }

    private static func secret(_ raw: String?, config: AppConfig) throws -> [UInt8] {
        if let raw, !raw.isEmpty {
            guard raw.utf8.count >= 32 || !config.isProduction else {
                throw ConfigError(description: "JWT_SECRET must be at least 32 bytes in production")
            }
            return Array(raw.utf8)
        }
        switch config.environment {
        case .production:
            throw ConfigError(description: "JWT_SECRET is required in production (at least 32 random bytes)")
        case .test:
            return Array(SecureRandom.token(bytes: 32).utf8)
        case .development:
            return try developmentSecret(databasePath: config.databasePath)
        }
    }

    /// The data key from `DATA_KEY` (or `OLD_DATA_KEY` when rotating): at least 32 bytes in
    /// production; unset, none in production and the fixed development key elsewhere.
    static func dataKey(_ raw: String?, name: String, config: AppConfig) throws -> DataKey? {
        guard let raw, !raw.isEmpty else { return config.isProduction ? nil : .development }
        guard raw.utf8.count >= 32 || !config.isProduction else {
            throw ConfigError(description: "\(name) must be at least 32 bytes in production")
        }
        return DataKey(secret: Array(raw.utf8))
    }

    /// A generated secret kept next to the database, created once.
    private static func developmentSecret(databasePath: String) throws -> [UInt8] {
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent()
        let file = folder.appendingPathComponent("jwt-secret")
        if let existing = try? String(contentsOf: file, encoding: .utf8), existing.utf8.count >= 32 {
            return Array(existing.utf8)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let generated = SecureRandom.token(bytes: 32)
        try generated.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return Array(generated.utf8)
    }

    /// The effective configuration for the start-up log line, secrets redacted.
    /// The database in use, without credentials.
    var databaseSummary: String {
        guard let databaseURL, let url = URLComponents(string: databaseURL) else { return "sqlite \(databasePath)" }
        let host = url.queryItems?.last { $0.name == "host" }?.value ?? url.host ?? "?"
        return "postgresql \(host.hasPrefix("/") ? "socket " : "")\(host):\(url.port ?? 5432)\(url.path)"
    }

    var redactedSummary: [String: String] {
        [
            "env": environment.rawValue, "host": host, "port": String(port), "database": databaseSummary,
            "jwt_secret": "<redacted \(jwtSecret.count) bytes>", "data_key": dataKey.map { "<redacted, id \($0.id)>" } ?? "unset", "log_level": logLevel.rawValue,
            "public_dir": publicDirectory, "views_dir": viewsDirectory ?? "bundled",
            "argon2": "m=\(argon2.memoryKiB),t=\(argon2.iterations),p=\(argon2.parallelism)",
            "hash_queue_limit": String(hashQueueLimit), "access_token_ttl_s": String(Int(accessTokenLifetime)),
            "refresh_token_ttl_days": String(Int(refreshTokenLifetime / 86_400)),
            "auth_failures_per_username": String(authFailuresPerUsername), "auth_requests_per_ip": String(authRequestsPerIP),
            "qualify_minutes": String(qualifyMinutes),
            "idle_timeout_s": String(idleTimeout.components.seconds), "max_connections": String(maxConnections),
            "metrics_token": metricsToken.map { "<redacted \($0.utf8.count) bytes>" } ?? "none (open)",
            "ai_suggester": remoteSuggester.map { "\($0.baseURL) model=\($0.model) key=\($0.apiKey == nil ? "none" : "<redacted>")" } ?? "local only",
            "ai_calls_per_user_per_hour": String(remoteSuggestionsPerHour),
        ]
    }
}
