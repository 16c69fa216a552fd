import Foundation
import GRDB
import Synchronization
import Testing

@testable import WebApp

/// `focusquest backup PATH` (SPEC §7): a consistent online copy that never overwrites.
@Suite(.sqliteOnly, .closingTestApps) struct BackupTests {
    func seeded() async throws -> TestApp {
        try await TestApp.seeded(.init(users: 30, tasksPerUser: 20, sessionsPerUser: 20, days: 30))
    }

    func fingerprint(_ reader: some DatabaseReader) async throws -> [String] {
        try await reader.read { db in
            try String.fetchAll(db, sql: "SELECT id || title || status FROM tasks ORDER BY id")
                + String.fetchAll(db, sql: "SELECT user_id || ':' || day || ':' || seconds FROM daily_totals ORDER BY user_id, day")
                + String.fetchAll(db, sql: "SELECT user_id || ':' || friend_id FROM friendships ORDER BY user_id, friend_id")
                + String.fetchAll(db, sql: "SELECT id || username || xp FROM users ORDER BY id")
        }
    }

    @Test func theCopyIsTheWholeDatabaseInOneFile() async throws {
        let app = try await seeded()
        let destination = app.folder.appendingPathComponent("backup.sqlite").path
        let steps = Mutex<[(Int, Int)]>([])
        let report = try DatabaseBackup.copy(app.sqlite, to: destination) { done, total in steps.withLock { $0.append((done, total)) } }
        #expect(report.users == 30 && report.bytes > 0)
        let last = try #require(steps.withLock { $0.last })
        #expect(last.0 == last.1 && last.1 > 0, "progress ends at the total")
        #expect(!FileManager.default.fileExists(atPath: destination + "-wal"))
        let copy = try DatabaseQueue(path: destination)
        #expect(try await fingerprint(copy) == (try await fingerprint(app.sqlite.pool)))
        #expect(try await copy.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        #expect(try await copy.read { db in try Migrations.migrator.hasCompletedMigrations(db) }, "the schema version travels along")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: app.folder.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    /// Writes keep going during the copy; the copy is one moment of them: the per-user
    /// counters kept by triggers agree with a recount inside the copy.
    @Test func aCopyTakenDuringWritesIsConsistent() async throws {
        let app = try await seeded()
        let database = try app.sqlite
        let writer = Task {
            var round = 0
            while !Task.isCancelled {
                round += 1
                let user = round % 30 + 1
                try await database.write { db in
                    try db.execute(
                        sql: "INSERT INTO tasks (user_id, title, status, created_at, updated_at) VALUES (?, 'during backup', 'todo', ?, ?)",
                        arguments: [user, Date(), Date()])
                    try db.execute(sql: "UPDATE tasks SET status = 'done' WHERE id = (SELECT MAX(id) FROM tasks WHERE status = 'todo')")
                }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let destination = app.folder.appendingPathComponent("during.sqlite").path
        _ = try DatabaseBackup.copy(database, to: destination) { _, _ in }
        writer.cancel()
        _ = await writer.result
        let copy = try DatabaseQueue(path: destination)
        let drift = try await copy.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM users u WHERE u.todo_count != (SELECT COUNT(*) FROM tasks WHERE user_id = u.id AND status = 'todo')
                    OR u.done_count != (SELECT COUNT(*) FROM tasks WHERE user_id = u.id AND status = 'done')
                """)
        }
        #expect(drift == 0)
        #expect(try await copy.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") } == "ok")
    }

    @Test func anExistingFileOrAMissingFolderIsRefusedAndNothingIsLeftBehind() async throws {
        let app = try await seeded()
        let existing = app.folder.appendingPathComponent("keep.sqlite")
        try Data("precious".utf8).write(to: existing)
        #expect(throws: DatabaseBackup.Failure.self) { try DatabaseBackup.copy(app.sqlite, to: existing.path) { _, _ in } }
        #expect(try String(contentsOf: existing, encoding: .utf8) == "precious", "never overwritten")
        let nowhere = app.folder.appendingPathComponent("missing/backup.sqlite").path
        #expect(throws: DatabaseBackup.Failure.self) { try DatabaseBackup.copy(app.sqlite, to: nowhere) { _, _ in } }
        let names = try FileManager.default.contentsOfDirectory(atPath: app.folder.path)
        #expect(!names.contains { $0.contains("partial") } && !names.contains("missing"))
    }
}
