import Domain
import FairStreakModel
import Foundation
import Testing

/// The day rules, the projection and the walk against ``FairStreakModel`` on random
/// histories (`FQ_PROPERTY_HISTORIES` in all, default 2,000, spread over four seeds).
@Suite struct FairStreakPropertyTests {
    @Test(arguments: [101, 102, 103, 104] as [UInt64])
    func matchesTheDayByDayModel(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<(FairStreakHistories.count / 4) {
            let (model, sessions, today) = FairStreakHistories.make(using: &random)
            let history = model.history
            var totals: [LocalDate: Double] = [:]
            for session in sessions.shuffled(using: &random) {
                for piece in history.split(start: session.start, end: session.end, in: session.zone) { totals[piece.day, default: 0] += piece.seconds }
            }
            let expectedTotals = model.totals(sessions)
            #expect(totals.filter { $0.value > 0 } == expectedTotals.filter { $0.value > 0 }, "daily totals")
            let expected = model.walk(expectedTotals, today: today)
            let stored = StreakProjection(totals: totals, goalSeconds: model.goal, bridges: model.bridges)
            let status = stored.status(today: today)
            let outcome = FairStreakModel.Outcome(
                current: status.current, longest: status.longest, qualifiedDays: status.qualifiedDays, milestones: status.milestones,
                freezesHeld: status.freezesHeld, freezesUsed: status.freezesUsed, states: expected.states)
            #expect(outcome == expected)
            // Every day's state, from the full walk and from the stored one (as far as it keeps them).
            let full = StreakProjection(totals: totals, goalSeconds: model.goal, bridges: model.bridges, keepStates: .max)
            let from = (expectedTotals.keys.min() ?? today).adding(days: -2)
            for (day, state) in full.states(from: from, to: today, today: today) {
                #expect(state == (expected.states[day] ?? .unstarted), "\(day)")
            }
            for (day, state) in stored.states(from: today.adding(days: -83), to: today, today: today) {
                #expect(state == (expected.states[day] ?? .unstarted), "\(day) from the stored states")
            }
            if !expected.states.isEmpty, outcome != expected { return }
        }
    }
}
