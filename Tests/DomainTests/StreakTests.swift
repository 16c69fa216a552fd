import Domain
import Testing

@Suite struct StreakTests {
    let today = LocalDate("2026-11-23")!
    let goal = 1800.0

    func days(_ offsets: some Sequence<Int>) -> [LocalDate] { offsets.map { today.adding(days: $0) } }

    /// The streak as of `today` with the days at `offsets` qualified.
    func streak(_ offsets: some Sequence<Int>, bridges: StreakBridges = .none, on day: LocalDate? = nil) -> StreakStatus {
        projection(offsets, bridges: bridges).status(today: day ?? today)
    }

    func projection(_ offsets: some Sequence<Int>, bridges: StreakBridges = .none) -> StreakProjection {
        StreakProjection(totals: Dictionary(uniqueKeysWithValues: days(offsets).map { ($0, goal) }), goalSeconds: goal, bridges: bridges)
    }

    @Test func currentEndsTodayOrYesterday() {
        #expect(streak([-3, -2, -1]).current == 3, "today is not qualified yet: the run ending yesterday counts")
        #expect(streak([-3, -2, -1, 0]).current == 4)
        #expect(streak([-4, -3, -2]).current == 0, "yesterday was missed and no freeze was held")
        #expect(streak([]).current == 0)
    }

    @Test func longestCountAndLastDate() {
        let status = streak([-20, -19, -18, -17, -10, -2, -1])
        #expect(status.longest == 4)
        #expect(status.qualifiedDays == 7)
        #expect(status.lastQualifiedDate == today.adding(days: -1))
    }

    @Test func aLateDayJoinsTwoRunsAndEarnsTheMilestone() {
        let before = streak([-7, -6, -5, -3, -2, -1])
        #expect(before.longest == 3 && before.milestones == 0)
        let after = streak(-7...(-1))
        #expect(after.longest == 7 && after.milestones == 1 && after.current == 7)
        #expect(streak(-15...(-1)).milestones == 2)
    }

    @Test func aMilestoneEarnsAFreezeThatBridgesAMissedDay() {
        let status = streak(Array(-9...(-3)) + [-1])
        #expect(status.current == 8, "day −2 was missed and a freeze bridged it; bridged days add nothing")
        #expect(status.freezesHeld == 0 && status.freezesUsed == 1)
        #expect(projection(Array(-9...(-3)) + [-1]).states(from: today.adding(days: -3), to: today, today: today).map(\.state)
            == [.qualified, .frozen, .qualified, .today])
        let twoMissed = streak(Array(-10...(-4)) + [-1])
        #expect(twoMissed.current == 1, "one freeze bridges one day; the second missed day ends the run")
    }

    @Test func atMostTwoFreezesAreHeld() {
        let status = streak(-21...(-1))
        #expect(status.milestones == 3 && status.freezesHeld == 2)
        #expect(StreakWalk.nextMilestone(after: status.current) == 28 && status.nextMilestoneAt == 28)
        #expect(streak([]).nextMilestoneAt == 7)
        let afterThreeMisses = streak(-21...(-1), on: today.adding(days: 3))
        #expect(afterThreeMisses.current == 0 && afterThreeMisses.freezesUsed == 2, "two freezes bridge two days; the third ends it")
    }

    @Test func aLateSessionThatFillsAMissedDayGivesItsFreezeBack() {
        let missed = streak(Array(-9...(-3)) + [-1])
        #expect(missed.freezesUsed == 1 && missed.freezesHeld == 0)
        let filled = streak(-9...(-1))
        #expect(filled.freezesUsed == 0 && filled.freezesHeld == 1 && filled.current == 9)
    }

    @Test func restDaysBridgeUnlessTheyQualify() {
        let weekends = StreakBridges(restDays: [(LocalDate("2026-01-01")!, try! RestDays(names: ["sat", "sun"]))], breaks: [])  // safe: literal names
        // 2026-11-23 is a Monday: −2 and −1 are Saturday and Sunday.
        #expect(streak([-5, -4, -3], bridges: weekends).current == 3, "the weekend bridges Friday to Monday")
        #expect(streak([-5, -4, -3, -1], bridges: weekends).current == 4, "a qualified rest day counts")
        #expect(streak([-5, -4, -3]).current == 0)
        #expect(projection([-3], bridges: weekends).states(from: today.adding(days: -3), to: today, today: today).map(\.state) == [.qualified, .rest, .rest, .today])
    }

    @Test func breakDaysBridgeAndRulesApplyFromTheirDate() {
        let holiday = StreakBridges(restDays: [], breaks: [today.adding(days: -6)...today.adding(days: -2)])
        #expect(streak([-9, -8, -7, -1], bridges: holiday).current == 4)
        #expect(projection([-7], bridges: holiday).states(from: today.adding(days: -8), to: today.adding(days: 3), today: today).map(\.state)
            == [.unstarted, .qualified, .break, .break, .break, .break, .break, .missed, .today], "days after today are not listed")
        let fromSaturday = StreakBridges(restDays: [(today.adding(days: -2), try! RestDays(names: ["sat"]))], breaks: [])  // safe: literal names
        #expect(fromSaturday.bridge(on: today.adding(days: -9)) == nil, "a rule does not reach back before its date")
        #expect(fromSaturday.bridge(on: today.adding(days: -2)) == .rest)
    }

    @Test func bridgesRoundTripThroughTheirStoredText() {
        let bridges = StreakBridges(
            restDays: [(today, RestDays(mask: 0b1000001)), (today.adding(days: 9), .none)], breaks: [today.adding(days: 3)...today.adding(days: 5)])
        #expect(StreakBridges(encoded: bridges.encoded) == bridges)
        #expect(bridges.after(today.adding(days: 4)).breaks == [today.adding(days: 3)...today.adding(days: 5)])
        #expect(bridges.after(today.adding(days: 5)).breaks.isEmpty)
        #expect(bridges.after(today.adding(days: 2)).restDays.first?.from == today.adding(days: 3))
    }

    @Test func statesRoundTripThroughTheirLetters() {
        for state in DayState.allCases { #expect(DayState(letter: state.letter) == state) }
        #expect(DayState(letter: "x") == nil)
    }

    @Test func storedStatesCoverTheHeatmap() {
        let full = projection(stride(from: -200, through: -40, by: 1).filter { $0 % 9 != 0 }, bridges: .none)
        let kept = StreakProjection(totals: Dictionary(uniqueKeysWithValues: days(stride(from: -200, through: -40, by: 1).filter { $0 % 9 != 0 }).map { ($0, goal) }), goalSeconds: goal, bridges: .none, keepStates: .max)
        let window = today.adding(days: -90)
        #expect(full.states(from: window, to: today, today: today).map(\.state) == kept.states(from: window, to: today, today: today).map(\.state))
    }

    @Test func sessionXP() {
        #expect(FocusXP.forSession(seconds: 25 * 60, fullPomodoroSeconds: 25 * 60) == 50)
        #expect(FocusXP.forSession(seconds: 29 * 60 + 59, fullPomodoroSeconds: nil) == 29)
        #expect(FocusXP.forSession(seconds: 60, fullPomodoroSeconds: 60) == 2, "a 1-minute pomodoro earns +1, not +25")
        #expect(FocusXP.forSession(seconds: 5 * 60, fullPomodoroSeconds: 5 * 60) == 10)
        #expect(FocusXP.forSession(seconds: 50 * 60, fullPomodoroSeconds: 50 * 60) == 75, "the bonus stops at +25")
    }
}
