import ArgumentParser
import Domain
import Foundation
import NIOCore
import NIOPosix
import Hummingbird
import Logging

/// The `focusquest` executable: `serve` (default), `migrate`, `create-admin`, `seed`, `backup`, `export`, `import`,
/// `rotate-data-key`, `copy-database`.
@main
struct FocusQuest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "focusquest",
        abstract: "A self-hosted focus and task app.",
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, Seed.self, Backup.self, Export.self, Import.self, RotateDataKey.self, CopyDatabase.self],
        defaultSubcommand: Serve.self)
}

/// Reads the configuration and sets up JSON logging; shared by every subcommand.
func bootstrap() throws -> (AppConfig, Logger) {
    let config = try AppConfig.fromEnvironment()
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: config.logLevel) }
    return (config, Logger(label: "focusquest"))
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve HTTP (SIGTERM stops gracefully).")

    func run() async throws {
        // Requests run on NIO's event loops instead of hopping to Swift's own thread pool
        // and back: one thread switch less on every request (argon2 keeps its own pool).
        let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let (config, logger) = try bootstrap()
        logger.info("starting", metadata: config.redactedSummary.mapValues { .string($0) }.merging(["tasks_on_event_loops": .string(String(onEventLoops))]) { own, _ in own })
        let services = try await AppServices.make(config: config, logger: logger)
        try await AppRouter.application(services).runService()
        try await services.database.shutdown()
        logger.info("stopped")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (and walk streaks stored before them again) and exit.")

    func run() async throws {
        let (config, logger) = try bootstrap()
        let database = try await StorageOpener.open(config, logger: logger)
        let walked = try await database.rewalkStaleStreaks(qualifySeconds: Double(config.qualifyMinutes * 60), now: Date())
        try await database.shutdown()
        logger.info("migrated", metadata: ["database": .string(config.databaseSummary), "streaks_walked_again": .stringConvertible(walked)])
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin, or promote an existing user; the password is read from standard input.")

    @Option(help: "The admin's username.") var username: String

    func run() async throws {
        let (config, logger) = try bootstrap()
        let name = try Username(username).value
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError("pipe the password on standard input, e.g. echo \"$PASSWORD\" | focusquest create-admin --username \(name)")
        }
        try PasswordPolicy.validate(password, username: name)
        let database = try await StorageOpener.open(config, logger: logger)
        let hasher = try PasswordHasher(parameters: config.argon2, threads: 1, queueLimit: 1)
        let (user, created) = try await database.upsertAdmin(username: name, passwordHash: try await hasher.hash(password), at: Date())
        try await database.shutdown()
        logger.info(created ? "admin created" : "user promoted to admin", metadata: ["user_id": .stringConvertible(user.userID)])
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fill the database with realistic demo data (refused in production).")

    @Option(help: "Number of users (user1 is an admin).") var users = 100
    @Option(help: "Tasks per user.") var tasksPerUser = 30
    @Option(help: "Focus sessions per user.") var sessionsPerUser = 40
    @Option(help: "Sessions spread over the last D days.") var days = 90
    @Flag(help: "Add the user 'heavy': five years of daily focus, 2,000 tasks, several time zones.") var heavyUser = false

    static let password = "focusquest-demo"

    func run() async throws {
        let (config, logger) = try bootstrap()
        guard !config.isProduction else { throw ValidationError("seed refuses to run with APP_ENV=production") }
        guard config.databaseURL == nil else { throw ValidationError("seed fills a SQLite file (DATABASE_PATH); unset DATABASE_URL") }
        let database = try AppDatabase(path: config.databasePath)
        try database.migrate()
        guard try await database.pool.read({ db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") }) == 0 else {
            throw ValidationError("the database at \(config.databasePath) already has users; seed an empty one")
        }
        let hash = try Argon2.hash(Self.password, parameters: config.argon2)
        let seeder = Seeder(
            database: database, plan: .init(users: users, tasksPerUser: tasksPerUser, sessionsPerUser: sessionsPerUser, days: days, heavyUser: heavyUser),
            passwordHash: hash, qualifySeconds: Double(config.qualifyMinutes * 60), now: Date())
        let start = ContinuousClock.now
        try await seeder.run { done in
            logger.info("seeding", metadata: ["users_done": .stringConvertible(done), "users": .stringConvertible(users)])
        }
        try database.close()
        print("Seeded \(users) users in \(ContinuousClock.now - start). Every user's password: \(Self.password) (user1 is an admin).")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to PATH, consistently, while the server keeps running (never overwrites a file).")

    @Argument(help: "Where to write the copy; the file must not exist yet.") var path: String

    func run() async throws {
        let (config, logger) = try bootstrap()
        guard config.databaseURL == nil else {
            throw ValidationError("backup copies the SQLite file; back up PostgreSQL with its own tools (pg_dump), then unset DATABASE_URL to use this")
        }
        guard FileManager.default.fileExists(atPath: config.databasePath) else {
            throw ValidationError(DatabaseBackup.Failure.sourceMissing(config.databasePath).description)
        }
        let database = try AppDatabase(path: config.databasePath)
        defer { try? database.close() }  // safe: closing after a finished (or failed) copy; its own error is the one reported
        var reported = -1
        do {
            let report = try DatabaseBackup.copy(database, to: path) { done, total in
                let percent = total == 0 ? 100 : done * 100 / total
                guard percent / 10 != reported / 10 else { return }
                reported = percent
                logger.info("backing up", metadata: ["percent": .stringConvertible(percent), "pages": .stringConvertible(total)])
            }
            print("Backed up \(report.users) users (\(report.bytes) bytes) to \(report.path).")
        } catch let failure as DatabaseBackup.Failure {
            throw ValidationError(failure.description)
        }
    }
}

extension FieldErrors: CustomStringConvertible {
    public var description: String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
    }
}
