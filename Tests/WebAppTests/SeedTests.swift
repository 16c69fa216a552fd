import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// The seeded database follows the same rules as the app, and the hot queries use indexes.
@Suite struct SeedTests {
    func seeded() async throws -> TestApp {
        try await TestApp.seeded(.init(users: 40, tasksPerUser: 20, sessionsPerUser: 60, days: 60))
    }

    @Test func seededDataEqualsARecomputationFromTheSessionLog() async throws {
        let app = try await seeded()
        let db = app.services.database
        for userID in Int64(1)...40 where userID % 3 == 1 {
            let sessions = try await db.pool.read { db in
                try FocusSessionRecord.fetchAll(db, sql: "SELECT * FROM focus_sessions WHERE user_id = ?", arguments: [userID])
            }
            #expect(!sessions.isEmpty)
            var model: [LocalDate: Double] = [:]
            var perTask: [Int64: Int] = [:]
            for session in sessions {
                for piece in DaySplitter.split(start: session.startTime, end: session.endTime, in: session.zone) { model[piece.day, default: 0] += piece.seconds }
                if let task = session.taskId { perTask[task, default: 0] += Int(session.seconds) }
            }
            let first = try #require(model.keys.min())
            let stored = try await db.dailyTotals(userID: userID, from: first, to: LocalDate(app.clock.now, in: .gmt).adding(days: 1))
            #expect(stored.mapValues { $0.rounded() } == model.mapValues { $0.rounded() })
            let expected = StreakSummary(qualified: model.filter { $0.value >= 1800 }.keys)
            #expect(try await db.streakSummary(userID: userID) == expected)
            let (xp, ledger, taskSeconds) = try await db.pool.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT xp FROM users WHERE id = ?", arguments: [userID]) ?? -1,
                    try Int.fetchOne(db, sql: "SELECT SUM(amount) FROM xp_ledger WHERE user_id = ?", arguments: [userID]) ?? 0,
                    try Row.fetchAll(db, sql: "SELECT id, focus_seconds FROM tasks WHERE user_id = ? AND focus_seconds > 0", arguments: [userID])
                        .map { ($0["id"] as Int64, $0["focus_seconds"] as Int) }
                )
            }
            #expect(xp == ledger)
            #expect(Dictionary(uniqueKeysWithValues: taskSeconds) == perTask)
        }
        let admin = try await db.user(named: "user1")
        #expect(admin?.isAdmin == true)
        #expect(try await UserCounters.drift(in: db).isEmpty)
    }

    /// A few friends each, both directions stored, no request between friends, and a
    /// leaderboard that adds up.
    @Test func everyoneHasAFewFriends() async throws {
        let app = try await seeded()
        let db = app.services.database
        let (pairs, requests) = try await db.pool.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT user_id, friend_id FROM friendships").map { ($0[0] as Int64, $0[1] as Int64) },
                try Row.fetchAll(db, sql: "SELECT from_user_id, to_user_id FROM friend_requests").map { ($0[0] as Int64, $0[1] as Int64) }
            )
        }
        let friendships = Set(pairs.map { "\($0.0)-\($0.1)" })
        #expect(pairs.allSatisfy { friendships.contains("\($0.1)-\($0.0)") }, "friendships are mutual")
        #expect(requests.allSatisfy { !friendships.contains("\($0.0)-\($0.1)") }, "no request between friends")
        #expect(!requests.isEmpty)
        let counts = Dictionary(grouping: pairs, by: \.0).mapValues(\.count)
        #expect(counts.count == 40, "everyone has friends")
        #expect(Double(pairs.count) / 40 >= 3, "a few each on average")
        let user = try #require(try await db.user(id: 3))
        let board = try app.services.friends.leaderboard(for: user)
        #expect(board.count == (counts[3] ?? 0) + 1)
        for row in board {
            let member = try #require(try await db.user(id: row.entry.userID))
            let daily = try await app.services.focus.daily(for: member, days: 7)
            let seconds = try await db.dailyTotals(userID: row.entry.userID, from: daily[0].date, to: daily[6].date).values.reduce(0, +)
            #expect(row.entry.minutes7d == Int(seconds / 60), "\(member.username)")
            #expect(row.entry.currentStreak == (try await app.services.focus.streak(for: member)).current)
        }
    }

    @Test func seedingIsDeterministic() async throws {
        func fingerprint(_ app: TestApp) async throws -> [String] {
            try await app.services.database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT title || '|' || status FROM tasks ORDER BY id LIMIT 200")
                    + String.fetchAll(db, sql: "SELECT username || '|' || timezone || '|' || xp FROM users ORDER BY id")
                    + String.fetchAll(db, sql: "SELECT user_id || '-' || friend_id || '@' || since FROM friendships ORDER BY user_id, friend_id")
            }
        }
        #expect(try await fingerprint(try await seeded()) == (try await fingerprint(try await seeded())))
    }

    /// `EXPLAIN QUERY PLAN` for the hot queries: no full scan of tasks, sessions or totals.
    @Test func hotQueriesUseIndexes() async throws {
        let app = try await seeded()
        let queries = [
            "SELECT * FROM tasks WHERE user_id = 3 ORDER BY id DESC LIMIT 21",
            "SELECT * FROM tasks WHERE user_id = 3 AND status = 'todo' AND id < 500 ORDER BY id DESC LIMIT 51",
            "SELECT * FROM tasks WHERE id = 7 AND user_id = 3",
            "SELECT id, title FROM tasks WHERE user_id = 3 AND status IN ('todo', 'in_progress') ORDER BY id DESC LIMIT 50",
            "SELECT * FROM timers WHERE user_id = 3 ORDER BY id DESC LIMIT 30",
            "SELECT * FROM timers WHERE user_id = 3 AND status IN ('running', 'paused')",
            "SELECT * FROM focus_sessions WHERE user_id = 3 AND start_time >= '2026-01-01' AND start_time < '2026-02-01' ORDER BY start_time, id",
            "SELECT day, seconds FROM daily_totals WHERE user_id = 3 AND day BETWEEN '2026-01-01' AND '2026-03-01'",
            "SELECT day FROM daily_totals WHERE user_id = 3 AND seconds >= 1800",
            "SELECT * FROM users WHERE username = 'user3' COLLATE NOCASE",
            "SELECT COUNT(*) FROM tasks t WHERE t.user_id = 3 AND t.status = 'done'",
            "SELECT key FROM key_values WHERE user_id = 3 ORDER BY key",
            "SELECT value, etag FROM key_values WHERE user_id = 3 AND key = 'ui.prefs'",
            "SELECT COUNT(*) FROM key_values WHERE user_id = 3",
        ]
        let withArguments: [(String, StatementArguments)] = queries.map { ($0, []) } + [
            (AppDatabase.panelsSQL, StatementArguments([3, "2026-01-01", "2026-03-01"] as [any DatabaseValueConvertible])),
            (AppDatabase.overviewSQL, StatementArguments([3] as [any DatabaseValueConvertible])),
            (AppDatabase.leaderboardMembersSQL, StatementArguments([3] as [any DatabaseValueConvertible])),
            (AppDatabase.leaderboardDaysSQL, StatementArguments([3, "2026-01-01"] as [any DatabaseValueConvertible])),
        ]
        for (sql, arguments) in withArguments {
            let plan = try await app.services.database.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "; ")
            }
            // Plans name tables by their alias (`SCAN d`), so any scan fails but of a
            // constant row or of a subquery's own (bounded) result.
            let scans = plan.split(separator: "; ").filter { $0.hasPrefix("SCAN ") && $0 != "SCAN CONSTANT ROW" && !$0.hasPrefix("SCAN (subquery-") }
            #expect(scans.isEmpty, "\(sql) → \(plan)")
        }
        // The timer's picker (in the dashboard's panels query) reads only its own index.
        let panelsPlan = try await app.services.database.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + AppDatabase.panelsSQL, arguments: [3, "2026-01-01", "2026-03-01"]).map { $0["detail"] as String }
        }
        #expect(panelsPlan.contains("SEARCH tasks USING COVERING INDEX tasks_open_by_user (user_id=?)"), "\(panelsPlan)")
        #expect(!panelsPlan.contains { $0.contains("TEMP B-TREE") }, "\(panelsPlan)")
        // Admin page 1 without a search walks an index in the sort's order: no sorting
        // of every user per request.
        for (column, direction) in [("created_at", "DESC"), ("last_active_at", "DESC"), ("xp", "DESC"), ("xp", "ASC")] {
            let plan = try await app.services.database.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT users.*, \(column) AS sort_key FROM users ORDER BY sort_key \(direction), id \(direction) LIMIT 50")
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
            #expect(plan.contains("USING INDEX users_by_"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
