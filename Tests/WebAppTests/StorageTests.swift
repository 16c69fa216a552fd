import Foundation
import GRDB
import Testing

@testable import WebApp

@Suite(.sqliteOnly, .closingTestApps) struct StorageTests {
    @Test func migratesAFreshDatabaseFileAndIsIdempotent() async throws {
        let folder = TemporaryFolders.new("fq-migrate")
        let path = folder.appendingPathComponent("nested/db.sqlite").path
        let database = try AppDatabase(path: path)
        try database.migrate()
        try database.migrate()
        let (tables, journal, foreignKeys, applied) = try await database.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Migrations.migrator.appliedIdentifiers(db)
            )
        }
        #expect(tables == [
            "access_tokens", "breaks", "calendar_feeds", "daily_totals", "day_rules", "focus_7d_window", "focus_sessions", "friend_requests", "friendships",
            "key_values", "recovery_codes", "refresh_tokens", "security_log", "sign_in_sessions", "streaks", "tasks", "timers", "two_factor_secrets",
            "user_count", "users", "users_search", "users_search_config", "users_search_data", "users_search_docsize", "users_search_idx",
            "webhook_deliveries", "webhook_outbox", "webhooks", "xp_ledger",
        ])
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(Set(applied) == Set(Migrations.migrator.migrations))
        #expect(FileManager.default.fileExists(atPath: path))
        try database.close()
    }

    /// Every released schema version upgrades to the current one with its data intact.
    @Test(arguments: Migrations.migrator.migrations)
    func upgradesFromEachEarlierVersion(version: String) async throws {
        let path = TemporaryFolders.new("fq-upgrade").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path)
        try Migrations.migrator.migrate(database.pool, upTo: version)
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO users (username, password_hash, created_at) VALUES ('old', 'h', '2026-01-01 00:00:00')")
        }
        try database.migrate()
        let user = try await database.user(named: "old")
        #expect(user?.timezone == "UTC")
        #expect(user?.focusMinutes == 25)
        let pending = try await database.pool.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
        #expect(pending)
        try database.close()
    }

    @Test func usernamesAreUniqueIgnoringCase() async throws {
        let app = try await TestApp.make()
        let db = app.services.database
        _ = try await db.createUser(UserRecord(username: "Ada", passwordHash: "x", timezone: "UTC", createdAt: Date()))
        await #expect(throws: AccountConflict.self) {
            try await db.createUser(UserRecord(username: "aDA", passwordHash: "x", timezone: "UTC", createdAt: Date()))
        }
        #expect(try await db.user(named: "ADA")?.username == "Ada")
    }

    @Test func createAdminCreatesOrPromotes() async throws {
        let app = try await TestApp.make()
        let db = app.services.database
        let (created, isNew) = try await db.upsertAdmin(username: "root", passwordHash: "h1", at: Date())
        #expect(isNew && created.isAdmin)
        _ = try await db.createUser(UserRecord(username: "bob", passwordHash: "h", timezone: "UTC", createdAt: Date()))
        let (promoted, isNewAgain) = try await db.upsertAdmin(username: "BOB", passwordHash: "h2", at: Date())
        #expect(!isNewAgain && promoted.isAdmin && promoted.passwordHash == "h2" && promoted.tokenVersion == 1)
    }
}

/// The server's connections leave WAL checkpoints to ``WALCheckpointer``, which moves
/// every frame into the database file without blocking the writer.
@Suite(.sqliteOnly, .closingTestApps) struct CheckpointTests {
    @Test func serverConnectionsLeaveCheckpointsToTheCheckpointer() async throws {
        let path = TemporaryFolders.new("fq-wal").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path, checkpointsInBackground: true)
        try database.migrate()
        #expect(try database.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 0)
        try await database.write { db in
            for index in 0..<2_000 {
                try db.execute(sql: "INSERT INTO users (username, password_hash, created_at) VALUES (?, 'x', '2026-01-01 00:00:00')", arguments: ["user\(index)"])
            }
        }
        let checkpointer = try DatabaseQueue(path: path)
        let (frames, checkpointed) = try await WALCheckpointer.checkpoint(checkpointer)
        #expect(frames > 0)
        #expect(checkpointed == frames)
        let restarted = try await WALCheckpointer.checkpoint(checkpointer, .restart)
        #expect(restarted.checkpointedFrameCount == restarted.walFrameCount)
        try await database.write { db in
            try db.execute(sql: "UPDATE users SET xp = 1 WHERE username = 'user1'")
        }
        let (framesAfter, _) = try await WALCheckpointer.checkpoint(checkpointer)
        #expect(framesAfter < frames, "after a restart the next write starts the log anew")
        try checkpointer.close()
        try database.close()

        let plain = try AppDatabase(path: path)
        #expect(try plain.read { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 1000)
        try plain.close()
    }
}

/// Inline reads: read-only connections that see every committed write, many at once.
@Suite(.sqliteOnly, .closingTestApps) struct ReadConnectionTests {
    @Test func readsSeeCommittedWritesAndCannotWrite() async throws {
        let path = TemporaryFolders.new("fq-read").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path)
        try database.migrate()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await database.write { db in
                        try db.execute(sql: "INSERT INTO users (username, password_hash, created_at) VALUES (?, 'x', '2026-01-01 00:00:00')", arguments: ["user\(index)"])
                    }
                    let seen = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE username = ?", arguments: ["user\(index)"]) }
                    #expect(seen == 1, "a read after a write sees it")
                }
            }
            try await group.waitForAll()
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") } == 40)
        #expect(throws: DatabaseError.self) {
            try database.read { db in try db.execute(sql: "DELETE FROM users") }
        }
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") } == 40)
        try database.close()
    }

    /// One read is one snapshot: a write committed by another connection between its two
    /// statements is not seen until the next read; a read that throws leaves no open
    /// transaction behind.
    @Test func aReadIsOneSnapshot() async throws {
        let path = TemporaryFolders.new("fq-read").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path)
        try database.migrate()
        let other = try DatabaseQueue(path: path)
        let counts = try database.read { db in
            let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? -1
            try other.write { db in
                try db.execute(sql: "INSERT INTO users (username, password_hash, created_at) VALUES ('ada', 'x', '2026-01-01 00:00:00')")
            }
            return (before, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? -1)
        }
        #expect(counts == (0, 0))
        struct Stop: Error {}
        #expect(throws: Stop.self) { try database.read { db in _ = try Int.fetchOne(db, sql: "SELECT 1"); throw Stop() } }
        #expect(try database.read { db in (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users"), db.isInsideTransaction) } == (1, true))
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") } == 1)
        try other.close()
        try database.close()
    }
}
