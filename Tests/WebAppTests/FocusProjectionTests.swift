import Domain
import FairStreakModel
import Foundation
import GRDB
import Testing

@testable import WebApp

/// Random histories played through storage in time order on a real SQLite file: day-rule
/// changes (made the day before they apply), breaks planned ahead, sessions in random
/// zones arriving late, shuffled and replayed. Afterwards the stored daily totals, streak,
/// freezes and XP equal ``FairStreakModel`` on the same facts
/// (`FQ_PROPERTY_HISTORIES` histories in all, default 2,000, over four seeds).
@Suite(.sqliteOnly, .closingTestApps) struct FocusProjectionTests {
    enum Event {
        case rules(from: LocalDate, hour: Int, rest: Set<Int>)
        case plan(ClosedRange<LocalDate>)
        case session(index: Int, FairStreakModel.Session)
    }

    static func noon(_ day: LocalDate) -> Date { Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + 43_200)) }

    @Test(arguments: [201, 202, 203, 204] as [UInt64])
    func projectionEqualsTheModel(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let clock = ManualClock()
        let app = try await TestApp.make(clock: clock)
        let database = try app.sqlite
        for round in 0..<(FairStreakHistories.count / 4) {
            // Tests run no WAL checkpointer (the server does): keep the log from growing
            // without bound on long runs.
            if round % 250 == 249 { _ = try await database.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
            var (model, sessions, today) = FairStreakHistories.make(using: &random)
            let user = try await database.createUser(UserRecord(username: "u\(round)", passwordHash: "x", timezone: "UTC", createdAt: clock.now))
            var events: [(at: Date, event: Event)] = model.changes.map { (Self.noon($0.from.adding(days: -1)), .rules(from: $0.from, hour: $0.hour, rest: $0.rest)) }
            events += model.breaks.map { (Self.noon($0.lowerBound.adding(days: -Int.random(in: 1...6, using: &random))), .plan($0)) }
            for (index, session) in sessions.enumerated() {
                let arrival = session.end.addingTimeInterval(Double(Int.random(in: 0...(Bool.random(using: &random) ? 600 : 20 * 86_400), using: &random)))
                events.append((arrival, .session(index: index, session)))
                if Int.random(in: 0..<4, using: &random) == 0 {
                    events.append((arrival.addingTimeInterval(Double(Int.random(in: 0...86_400, using: &random))), .session(index: index, session)))
                }
            }
            var planned: [ClosedRange<LocalDate>] = []
            for (at, event) in events.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
                clock.set(at)
                switch event {
                case .rules(_, let hour, let rest):
                    let rules = DayRules(dayStartsAt: hour, restDays: RestDays(mask: rest.reduce(0) { $0 | 1 << $1 }))
                    _ = try await database.updateProfile(
                        userID: user.userID, timezone: "UTC", settings: .standard, dayRules: rules, qualifySeconds: model.goal, now: at)
                case .plan(let days):
                    do {
                        _ = try await database.planBreak(userID: user.userID, from: days.lowerBound, to: days.upperBound, note: nil, qualifySeconds: model.goal, now: at)
                        planned.append(days)
                    } catch is FieldErrors {}  // past the yearly 30 days: not a fact, not in the model
                case .session(let index, let session):
                    let submission = SessionSubmission(sessionID: "s\(index)", start: session.start, end: session.end, timezone: session.zone.identifier, taskID: nil)
                    _ = try await database.acceptSession(userID: user.userID, submission, qualifySeconds: model.goal, now: at)
                }
            }
            model.breaks = planned
            clock.set(Self.noon(today))

            let expectedTotals = model.totals(sessions)
            let userID = user.userID
            let stored = try await database.pool.read { db in try StreakLedger.totals(db, userID: userID) }
            #expect(stored.filter { $0.value > 0 } == expectedTotals.filter { $0.value > 0 }, "seed \(seed) round \(round): daily totals")

            let expected = model.walk(expectedTotals, today: today)
            let current = try #require(try await database.user(id: userID))
            let streak = try await app.services.focus.streak(for: current)
            let status = streak.status
            let storedNumbers: [Int] = [status.current, status.longest, status.qualifiedDays, status.milestones, status.freezesHeld, status.freezesUsed]
            #expect(
                storedNumbers == [expected.current, expected.longest, expected.qualifiedDays, expected.milestones, expected.freezesHeld, expected.freezesUsed],
                "seed \(seed) round \(round): streak")
            let ledger = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT SUM(amount) FROM xp_ledger WHERE user_id = ?", arguments: [userID]) ?? 0 }
            let sessionXP = sessions.reduce(0) { $0 + FocusXP.forSession(seconds: $1.end.timeIntervalSince($1.start), fullPomodoroSeconds: nil) }
            #expect(current.xp == sessionXP + FocusXP.perStreakMilestone * expected.milestones, "seed \(seed) round \(round): XP")
            #expect(ledger == current.xp)
            if status.current != expected.current || current.xp != ledger { return }
        }
    }
}
