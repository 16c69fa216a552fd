import Domain
import Testing

@Suite struct StreakTests {
    let today = LocalDate("2026-11-23")!

    func days(_ offsets: [Int]) -> [LocalDate] { offsets.map { today.adding(days: $0) } }

    @Test func currentEndsTodayOrYesterday() {
        let streak = StreakSummary(qualified: days([-3, -2, -1]))
        #expect(streak.current(today: today) == 3, "today is not qualified yet: the run ending yesterday counts")
        #expect(StreakSummary(qualified: days([-3, -2, -1, 0])).current(today: today) == 4)
        #expect(StreakSummary(qualified: days([-4, -3, -2])).current(today: today) == 0)
        #expect(StreakSummary(qualified: []).current(today: today) == 0)
    }

    @Test func longestCountAndLastDate() {
        let streak = StreakSummary(qualified: days([-20, -19, -18, -17, -10, -2, -1]))
        #expect(streak.longest == 4)
        #expect(streak.qualifiedDays == 7)
        #expect(streak.lastQualifiedDate == today.adding(days: -1))
    }

    @Test func aLateDayJoinsTwoRunsAndEarnsTheMilestone() {
        let before = StreakSummary(qualified: days([-7, -6, -5, -3, -2, -1]))
        #expect(before.longest == 3 && before.milestones == 0)
        let after = StreakSummary(qualified: days([-7, -6, -5, -4, -3, -2, -1]))
        #expect(after.longest == 7 && after.milestones == 1 && after.current(today: today) == 7)
        #expect(StreakSummary(qualified: days(Array(-15...(-1)))).milestones == 2)
    }

    /// Against a slow model that walks day by day.
    @Test(arguments: [11, 12, 13, 14])
    func matchesADayByDayModel(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<300 {
            let density = Double.random(in: 0.2...0.95, using: &random)
            let set = Set((-60...0).filter { _ in Double.random(in: 0...1, using: &random) < density }.map { today.adding(days: $0) })
            let streak = StreakSummary(qualified: set)
            var current = 0
            var day = set.contains(today) ? today : today.adding(days: -1)
            while set.contains(day) {
                current += 1
                day = day.adding(days: -1)
            }
            var longest = 0
            var run = 0
            var milestones = 0
            for offset in -61...1 {
                if set.contains(today.adding(days: offset)) {
                    run += 1
                    longest = max(longest, run)
                } else {
                    milestones += run / 7
                    run = 0
                }
            }
            #expect(streak.current(today: today) == current)
            #expect(streak.longest == longest)
            #expect(streak.qualifiedDays == set.count)
            #expect(streak.lastQualifiedDate == set.max())
            #expect(streak.milestones == milestones)
        }
    }

    @Test func sessionXP() {
        #expect(FocusXP.forSession(seconds: 25 * 60, fullPomodoroSeconds: 25 * 60) == 50)
        #expect(FocusXP.forSession(seconds: 29 * 60 + 59, fullPomodoroSeconds: nil) == 29)
        #expect(FocusXP.forSession(seconds: 60, fullPomodoroSeconds: 60) == 2, "a 1-minute pomodoro earns +1, not +25")
        #expect(FocusXP.forSession(seconds: 5 * 60, fullPomodoroSeconds: 5 * 60) == 10)
        #expect(FocusXP.forSession(seconds: 50 * 60, fullPomodoroSeconds: 50 * 60) == 75, "the bonus stops at +25")
    }
}
