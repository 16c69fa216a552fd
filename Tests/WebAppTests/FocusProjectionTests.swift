import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// For random session sets in random time zones (DST, half-hour offsets), accepted late
/// and out of order, the stored daily totals, streak and XP equal a slow recomputation
/// from the session log.
@Suite struct FocusProjectionTests {
    struct Generated {
        let start: Date
        let minutes: Int
        let zone: TimeZone
    }

    @Test(arguments: [101, 202, 303])
    func projectionEqualsRecomputation(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_798_761_600))  // 2027-01-01T00:00:00Z
        let app = try await TestApp.make(clock: clock)
        let database = app.services.database
        let zones = ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham"]
        for round in 0..<4 {
            let user = try await database.createUser(UserRecord(username: "user\(round)", passwordHash: "x", timezone: "UTC", createdAt: clock.now))
            var sessions: [Generated] = []
            for _ in 0..<Int.random(in: 5...60, using: &random) {
                let dayOffset = Int.random(in: 0..<40, using: &random)
                let minuteOfDay = Int.random(in: 0..<1440, using: &random)
                let start = clock.now.addingTimeInterval(Double(-(dayOffset * 1440 + minuteOfDay) * 60 - 3600 * 24))
                sessions.append(Generated(start: start, minutes: Int.random(in: 1...(Bool.random(using: &random) ? 45 : 300), using: &random), zone: TimeZone(identifier: zones.randomElement(using: &random)!)!))
            }
            sessions.shuffle(using: &random)
            for (index, session) in sessions.enumerated() {
                let submission = SessionSubmission(
                    sessionID: "s\(index)", start: session.start, end: session.start.addingTimeInterval(Double(session.minutes * 60)),
                    timezone: session.zone.identifier, taskID: nil)
                _ = try await database.acceptSession(userID: user.userID, submission, qualifySeconds: 1800, now: clock.now)
                if Bool.random(using: &random) {
                    _ = try await database.acceptSession(userID: user.userID, submission, qualifySeconds: 1800, now: clock.now)
                }
            }
            var modelTotals: [LocalDate: Double] = [:]
            for session in sessions {
                for minute in 0..<session.minutes {
                    modelTotals[LocalDate(session.start.addingTimeInterval(Double(minute * 60)), in: session.zone), default: 0] += 60
                }
            }
            let userID = user.userID
            let stored = try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT day, seconds FROM daily_totals WHERE user_id = ?", arguments: [userID])
                    .map { ($0["day"] as String, $0["seconds"] as Double) }
            }
            let storedTotals = Dictionary(uniqueKeysWithValues: stored.map { (LocalDate($0.0)!, $0.1) })
            #expect(storedTotals.mapValues { $0.rounded() } == modelTotals, "seed \(seed) round \(round)")

            let qualified = modelTotals.filter { $0.value >= 1800 }.keys
            let expected = StreakSummary(qualified: qualified)
            let summary = try await database.streakSummary(userID: user.userID)
            #expect(summary == expected)
            let today = LocalDate(clock.now, in: .gmt)
            var current = 0
            var day = qualified.contains(today) ? today : today.adding(days: -1)
            while qualified.contains(day) {
                current += 1
                day = day.adding(days: -1)
            }
            #expect(summary.current(today: today) == current)
            let xp = try #require(try await database.user(id: user.userID)).xp
            let ledger = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT SUM(amount) FROM xp_ledger WHERE user_id = ?", arguments: [user.userID]) ?? 0 }
            #expect(xp == sessions.reduce(0) { $0 + $1.minutes } + 50 * expected.milestones)
            #expect(ledger == xp)
        }
    }
}
