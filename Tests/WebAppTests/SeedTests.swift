import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// The seeded database follows the same rules as the app, and the hot queries use indexes.
@Suite(.sqliteOnly, .closingTestApps) struct SeedTests {
    func seeded() async throws -> TestApp {
        try await TestApp.seeded(.init(users: 40, tasksPerUser: 20, sessionsPerUser: 60, days: 60))
    }

    @Test func seededDataEqualsARecomputationFromTheSessionLog() async throws {
        let app = try await seeded()
        for userID in Int64(1)...40 where userID % 3 == 1 {
            try await expectDerivedFactsMatchTheLog(app, userID: userID)
        }
        let db = try app.sqlite
        let admin = try await db.user(named: "user1")
        #expect(admin?.isAdmin == true)
        #expect(try await app.counterDrift() == 0)
    }

    /// Daily totals, streak, XP and task minutes of `userID` equal a recomputation from its sessions.
    func expectDerivedFactsMatchTheLog(_ app: TestApp, userID: Int64) async throws {
        let db = try app.sqlite
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
        let expected = StreakProjection(totals: model, goalSeconds: 1800, bridges: .none)
        #expect(try await db.streak(userID: userID, day: LocalDate(app.clock.now, in: .gmt)).0 == expected)
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

    /// `seed --heavy-user`: five years of daily focus in several time zones, 2,000 tasks,
    /// derived by the same rules as everyone's.
    @Test func theHeavyUserHasFiveYearsInSeveralTimeZones() async throws {
        var plan = Seeder.Plan(users: 2, tasksPerUser: 5, sessionsPerUser: 5, days: 10)
        plan.heavyUser = true
        let app = try await TestApp.seeded(plan)
        let heavy = try #require(try await app.services.database.user(named: "heavy"))
        let (sessions, zones, oldest, tasks) = try await app.sqlite.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM focus_sessions WHERE user_id = ?", arguments: [heavy.userID]) ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT timezone) FROM focus_sessions WHERE user_id = ?", arguments: [heavy.userID]) ?? 0,
                try Date.fetchOne(db, sql: "SELECT MIN(start_time) FROM focus_sessions WHERE user_id = ?", arguments: [heavy.userID]),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks WHERE user_id = ?", arguments: [heavy.userID]) ?? 0
            )
        }
        #expect(sessions > 5_000 && tasks == 2_000 && zones >= 4, "\(sessions) sessions, \(zones) zones, \(tasks) tasks")
        #expect(app.clock.now.timeIntervalSince(try #require(oldest)) > 4.9 * 365 * 86_400)
        try await expectDerivedFactsMatchTheLog(app, userID: heavy.userID)
    }

    /// A few friends each, both directions stored, no request between friends, and a
    /// leaderboard that adds up.
    @Test func everyoneHasAFewFriends() async throws {
        let app = try await seeded()
        let db = try app.sqlite
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
        let board = try await app.services.friends.leaderboard(for: user)
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
            try await app.sqlite.pool.read { db in
                try String.fetchAll(db, sql: "SELECT title || '|' || status FROM tasks ORDER BY id LIMIT 200")
                    + String.fetchAll(db, sql: "SELECT username || '|' || timezone || '|' || xp FROM users ORDER BY id")
                    + String.fetchAll(db, sql: "SELECT user_id || '-' || friend_id || '@' || since FROM friendships ORDER BY user_id, friend_id")
            }
        }
        #expect(try await fingerprint(try await seeded()) == (try await fingerprint(try await seeded())))
    }
}
