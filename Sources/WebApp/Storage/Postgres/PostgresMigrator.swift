import Logging
import PostgresNIO

/// Brings a PostgreSQL database to the newest ``PostgresMigrations``: the names applied are
/// kept in `schema_migrations`; each missing one runs in a transaction with its name.
/// Instances starting at once take turns (a session advisory lock), so each migration
/// runs once whatever the number of instances.
struct PostgresMigrator {
    let connection: PostgresConnection
    let logger: Logger

    /// "FQMIGRAT" as a number: the advisory lock only migrations take.
    static let lockKey: Int64 = 0x4651_4D49_4752_4154

    /// The names of the migrations this call applied (none when the schema was current).
    @discardableResult
    func migrate(_ migrations: [PostgresMigrations.Migration] = PostgresMigrations.all) async throws -> [String] {
        try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
        do {
            let applied = try await apply(migrations)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            return applied
        } catch {
            // safe: the migration's error is the one to report; the lock also ends with the session
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            throw error
        }
    }

    private func apply(_ migrations: [PostgresMigrations.Migration]) async throws -> [String] {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            logger: logger)
        var done: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger).decode(String.self) {
            done.insert(name)
        }
        var applied: [String] = []
        for migration in migrations where !done.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
            logger.info("database migrated", metadata: ["migration": "\(migration.name)"])
            applied.append(migration.name)
        }
        return applied
    }
}
