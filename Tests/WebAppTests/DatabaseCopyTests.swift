import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// `copy-database` (SPEC §14): a seeded SQLite database arrives whole in PostgreSQL, reads
/// the same there, keeps working, and a copy into a database that has users is refused.
@Suite(.coversBothBackends, .enabled(if: TestPostgres.available, "needs TEST_DATABASE_URL (make test starts a server)"))
struct DatabaseCopyTests {
    @Test func aSeededDatabaseCopiesWholeAndReadsTheSame() async throws {
        let app = try await TestApp.seeded(.init(users: 12, tasksPerUser: 15, sessionsPerUser: 20, days: 30), on: .sqlite)
        let sqlite = try app.sqlite
        let now = app.clock.now
        _ = try await sqlite.beginTwoFactor(userID: 2, sealed: [1, 2, 3], keyID: "k1", now: now)
        _ = try await sqlite.put(userID: 3, key: "theme", value: StoredValue(json: Data("{}".utf8), etag: "\"1\""), keyLimit: 10,
            condition: ETagCondition(ifMatch: nil, ifNoneMatch: nil), now: now)
        let url = try await TestPostgres.freshDatabaseURL()
        let target = try PostgresStore(url: url, logger: TestPostgres.logger)
        target.start()
        try await using(target, closing: { try await $0.shutdown() }) { target in
            try await target.migrate()
            let filesBefore = try await Self.fileNodes(target)
            let report = try await DatabaseCopy(source: sqlite, target: target, logger: TestPostgres.logger).run { _, _ in }
            #expect(report.rows["users"] == 12 && report.rows["tasks"] == 180 && (report.rows["focus_sessions"] ?? 0) >= 200)
            let analyzed = try await target.read { connection in
                try await connection.first(
                    "SELECT count(*)::int FROM pg_stat_user_tables WHERE (last_analyze IS NULL OR last_vacuum IS NULL) AND relname IN ('users', 'tasks', 'focus_sessions')",
                    logger: TestPostgres.logger)?.decode(Int.self)
            }
            #expect(analyzed == 0, "the copy leaves the planner statistics of what it wrote, and it vacuumed (autovacuum has nothing to catch up on)")
            // How small the rewrite makes `users` depends on what else the server runs (a row
            // another transaction may still see is kept); that it was written anew does not.
            let filesAfter = try await Self.fileNodes(target)
            #expect(filesAfter.users != filesBefore.users && filesAfter.userCount != filesBefore.userCount, "users and user_count written anew (VACUUM FULL)")
            #expect(filesAfter.tasks == filesBefore.tasks, "the other tables are left where they are")

            let since = LocalDate("2026-09-01")!
            for userID in Int64(1)...12 {
                let (stored, copied) = (try await sqlite.user(id: userID), try await target.user(id: userID))
                #expect(stored == copied, "user \(userID)")
                let query = TaskQuery(limit: 50)
                #expect(try await sqlite.tasks(userID: userID, query).items == target.tasks(userID: userID, query).items)
                let (a, b) = (try await sqlite.fullStreak(userID: userID, qualifySeconds: 1800), try await target.fullStreak(userID: userID, qualifySeconds: 1800))
                #expect(a.totals == b.totals && a.projection.walk == b.projection.walk)
                #expect(try await sqlite.streak(userID: userID, day: since).0.walk == target.streak(userID: userID, day: since).0.walk)
                #expect(try await sqlite.friendsOverview(userID: userID).friends.map(\.userID) == target.friendsOverview(userID: userID).friends.map(\.userID))
            }
            let page = { (db: any AdminStorage) in
                try await db.adminPage(search: "", sort: .xp, descending: true, page: 1, perPage: 12, since7d: since, totalsSince: now - 7 * 86_400, approximateUsers: nil)
            }
            let (before, after) = (try await page(sqlite), try await page(target))
            #expect(before.rows.map(\.user.userID) == after.rows.map(\.user.userID))
            #expect(before.rows.map(\.focusSecondsTotal) == after.rows.map(\.focusSecondsTotal) && before.totals?.users == after.totals?.users)
            #expect(try await target.twoFactorSecret(userID: 2)?.sealed == [1, 2, 3])
            #expect(try await target.value(userID: 3, key: "theme")?.etag == "\"1\"")

            let maxTask = try sqlite.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM tasks") } ?? 0
            let fresh = try await target.createTask(userID: 1, content: try TaskContent(title: "After the copy", description: "", estimatePomodoros: nil), status: .todo, now: now)
            #expect(fresh.taskID == maxTask + 1, "ids go on where they stopped")

            await #expect(throws: DatabaseCopy.Refused.self) {
                try await DatabaseCopy(source: sqlite, target: target, logger: TestPostgres.logger).run { _, _ in }
            }
        }
    }

    /// The files holding `users`, `user_count` and `tasks` (a rewrite gives a table a new one).
    private static func fileNodes(_ store: PostgresStore) async throws -> (users: Int, userCount: Int, tasks: Int) {
        try await store.read { connection in
            let row = try await connection.first(
                "SELECT pg_relation_filenode('users')::int, pg_relation_filenode('user_count')::int, pg_relation_filenode('tasks')::int", logger: TestPostgres.logger)
            return try row?.decode((Int, Int, Int).self) ?? (0, 0, 0)
        }
    }
}
