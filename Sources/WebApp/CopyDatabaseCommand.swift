import ArgumentParser
import Foundation

/// `focusquest copy-database --to postgres://…`: the SQLite file of `DATABASE_PATH` into an
/// empty PostgreSQL database, all or nothing, verified before it commits (``DatabaseCopy``).
/// Stop the server first; then start it with `DATABASE_URL` set to the same URL.
struct CopyDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-database", abstract: "Copy the SQLite database (DATABASE_PATH) into an empty PostgreSQL database, verified.")

    @Option(help: "The PostgreSQL database to copy into: postgres://user:password@host:port/database") var to: String

    func run() async throws {
        let (config, logger) = try bootstrap()
        guard FileManager.default.fileExists(atPath: config.databasePath) else { throw ValidationError("There is no SQLite database at \(config.databasePath).") }
        do {
            _ = try PostgresURL.configuration(to)
        } catch let invalid as PostgresURL.Invalid {
            throw ValidationError(invalid.description)
        }
        let source = try AppDatabase(path: config.databasePath)
        try source.migrate()
        let target = try PostgresStore(url: to, logger: logger)
        target.start()
        do {
            try await target.migrate()
            let start = ContinuousClock.now
            let report = try await DatabaseCopy(source: source, target: target, logger: logger).run { table, rows in
                logger.info("copied", metadata: ["table": .string(table), "rows": .stringConvertible(rows)])
            }
            try await target.shutdown()
            print("Copied \(report.total) rows in \(report.rows.count) tables in \(ContinuousClock.now - start), verified.")
        } catch {
            // safe: the copy's error is the one to report
            try? await target.shutdown()
            if let refused = error as? DatabaseCopy.Refused { throw ValidationError(refused.description) }
            throw error
        }
        try source.close()
    }
}
