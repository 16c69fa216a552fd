import Foundation
import Testing

@testable import WebApp

@Suite struct ConfigTests {
    @Test func productionRefusesAMissingOrWeakSecret() throws {
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "production"]) }
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": "short"]) }
        let strong = String(repeating: "k", count: 32)
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong]).jwtSecret == Array(strong.utf8))
    }

    @Test func developmentKeepsAGeneratedSecretInTheDataFolder() throws {
        let folder = TemporaryFolders.new("fq-config")
        let env = ["APP_ENV": "development", "DATABASE_PATH": folder.appendingPathComponent("db.sqlite").path]
        let first = try AppConfig.fromEnvironment(env)
        let second = try AppConfig.fromEnvironment(env)
        #expect(first.jwtSecret.count >= 32)
        #expect(first.jwtSecret == second.jwtSecret)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("jwt-secret").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// `DATABASE_URL` selects PostgreSQL; a malformed one stops the start with its reason, and
    /// the summary the server logs names the database without its credentials.
    @Test func databaseURLSelectsPostgresWithoutLoggingItsPassword() throws {
        let config = try AppConfig.fromEnvironment(["APP_ENV": "test", "DATABASE_URL": "postgres://fq:s3cret@db.example:5433/focus"])
        #expect(config.databaseURL == "postgres://fq:s3cret@db.example:5433/focus")
        #expect(config.redactedSummary["database"] == "postgresql db.example:5433/focus")
        #expect(!config.redactedSummary.values.contains { $0.contains("s3cret") })
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "test", "DATABASE_URL": "mysql://fq@localhost/fq"]) }
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "DATABASE_URL": ""]).databaseURL == nil, "empty: SQLite")
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test"]).redactedSummary["database"]?.hasPrefix("sqlite ") == true)
    }

    /// `DATABASE_POOL_SIZE` bounds one instance's PostgreSQL connections (20 unless set).
    @Test func databasePoolSizeIsAPositiveNumber() throws {
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test"]).databasePoolSize == 20)
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "DATABASE_POOL_SIZE": "5"]).databasePoolSize == 5)
        for bad in ["0", "-1", "many"] {
            #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "test", "DATABASE_POOL_SIZE": bad]) }
        }
    }

    @Test func trustedProxiesAreAddresses() throws {
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "TRUSTED_PROXIES": "127.0.0.1, ::1"]).trustedProxies == ["127.0.0.1", "::1"])
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test"]).trustedProxies.isEmpty)
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "test", "TRUSTED_PROXIES": "nginx"]) }
    }

    @Test func readsSettingsAndRejectsBadValues() throws {
        let config = try AppConfig.fromEnvironment([
            "APP_ENV": "test", "PORT": "9000", "AUTH_FAILURES_PER_USERNAME": "3", "ARGON2_MEMORY_KIB": "4096", "LOG_LEVEL": "debug",
        ])
        #expect(config.port == 9000 && config.authFailuresPerUsername == 3 && config.argon2.memoryKiB == 4096 && config.logLevel == .debug)
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "test", "PORT": "http"]) }
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "staging"]) }
    }

    @Test func theLoggedSummaryRedactsTheSecrets() throws {
        let secret = "a-very-secret-value-that-must-not-leak"
        let key = "sk-another-secret-that-must-not-leak"
        let config = try AppConfig.fromEnvironment([
            "APP_ENV": "production", "JWT_SECRET": secret, "AI_BASE_URL": "https://llm.example/v1", "AI_MODEL": "m", "AI_API_KEY": key,
        ])
        let summary = config.redactedSummary.values.joined(separator: " ")
        #expect(!summary.contains(secret) && !summary.contains(key))
        #expect(config.redactedSummary["jwt_secret"]?.contains("redacted") == true)
        #expect(config.redactedSummary["ai_suggester"] == "https://llm.example/v1 model=m key=<redacted>")
    }

    @Test func theDataKeyIsRequiredStrongOnlyInProductionAndNeverLogged() throws {
        let strong = String(repeating: "k", count: 32)
        let dataKey = "a data key that is long enough and secret"
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong]).dataKey == nil, "production: no key, no 2FA")
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong, "DATA_KEY": "short"]) }
        let keyed = try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong, "DATA_KEY": dataKey])
        #expect(keyed.dataKey?.id == DataKey(secret: Array(dataKey.utf8)).id)
        #expect(keyed.redactedSummary["data_key"] == "<redacted, id \(keyed.dataKey?.id ?? "")>" && !keyed.redactedSummary.values.joined().contains(dataKey))
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "JWT_SECRET": strong]).dataKey?.id == DataKey.development.id)
    }

    @Test func webhookAndLinkSettings() throws {
        let strong = String(repeating: "s", count: 40)
        let production = try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong])
        #expect(production.webhookURLGuard.strict, "production webhooks: https and public addresses only")
        let relaxed = try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": strong, "WEBHOOK_ALLOW_PRIVATE": "true"])
        #expect(!relaxed.webhookURLGuard.strict)
        #expect(!(try AppConfig.fromEnvironment(["APP_ENV": "test", "JWT_SECRET": strong])).webhookURLGuard.strict, "any http(s) URL outside production")
        let paced = try AppConfig.fromEnvironment([
            "JWT_SECRET": strong, "WEBHOOK_RETRY_SECONDS": "1, 2,3", "WEBHOOK_POLL_MS": "100", "PUBLIC_URL": "https://focus.example.org/",
        ])
        #expect(paced.webhooks.retrySchedule == [1, 2, 3] && paced.webhooks.pollInterval == .milliseconds(100))
        #expect(paced.publicURL == "https://focus.example.org")
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["JWT_SECRET": strong, "WEBHOOK_RETRY_SECONDS": "soon"]) }
        #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(["JWT_SECRET": strong, "PUBLIC_URL": "ftp://x"]) }
    }

    @Test func theRemoteSuggesterNeedsAURLAndAModel() throws {
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test"]).remoteSuggester == nil, "local only by default")
        let config = try AppConfig.fromEnvironment(["APP_ENV": "test", "AI_BASE_URL": "http://127.0.0.1:9/v1", "AI_MODEL": "m", "AI_TIMEOUT_MS": "700"])
        #expect(config.remoteSuggester == .init(baseURL: "http://127.0.0.1:9/v1", apiKey: nil, model: "m", timeout: .milliseconds(700)))
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "AI_BASE_URL": "http://127.0.0.1:9/v1", "AI_MODEL": "m"]).remoteSuggester?.timeout == .seconds(3))
        for bad in [["AI_BASE_URL": "http://x/v1"], ["AI_BASE_URL": "ftp://x", "AI_MODEL": "m"], ["AI_BASE_URL": "http://x", "AI_MODEL": "m", "AI_TIMEOUT_MS": "5"]] {
            #expect(throws: AppConfig.ConfigError.self) { try AppConfig.fromEnvironment(bad.merging(["APP_ENV": "test"]) { $1 }) }
        }
    }
}
