/// The streak as stored: everything that does not depend on what day it is now.
public struct StreakSummary: Equatable, Sendable {
    /// Length of the run of qualified days that ends at `lastQualifiedDate`.
    public var lastRunLength: Int
    public var longest: Int
    public var qualifiedDays: Int
    public var lastQualifiedDate: LocalDate?
    /// Completed 7-day milestones over all runs: Σ ⌊run length / 7⌋.
    public var milestones: Int

    public static let empty = StreakSummary(lastRunLength: 0, longest: 0, qualifiedDays: 0, lastQualifiedDate: nil, milestones: 0)

    public init(lastRunLength: Int, longest: Int, qualifiedDays: Int, lastQualifiedDate: LocalDate?, milestones: Int) {
        self.lastRunLength = lastRunLength
        self.longest = longest
        self.qualifiedDays = qualifiedDays
        self.lastQualifiedDate = lastQualifiedDate
        self.milestones = milestones
    }

    /// From the set of qualified days (a day qualifies when its focus reaches the goal).
    public init(qualified: some Sequence<LocalDate>) {
        let days = Set(qualified).sorted()
        var longest = 0
        var milestones = 0
        var run = 0
        var previous: LocalDate?
        for day in days {
            if let previous, day.dayNumber == previous.dayNumber + 1 {
                run += 1
            } else {
                milestones += run / 7
                run = 1
            }
            longest = max(longest, run)
            previous = day
        }
        milestones += run / 7
        self.init(lastRunLength: run, longest: longest, qualifiedDays: days.count, lastQualifiedDate: days.last, milestones: milestones)
    }

    /// Consecutive qualified days ending today, or ending yesterday while today is not
    /// yet qualified; otherwise 0.
    public func current(today: LocalDate) -> Int {
        guard let last = lastQualifiedDate else { return 0 }
        return last == today || last == today.adding(days: -1) ? lastRunLength : 0
    }
}

/// Focus XP rules (SPEC §4): +1 per focused minute; a full pomodoro adds +1 per planned
/// minute up to +25 (so a 1-minute "pomodoro" cannot farm the 25-minute bonus); +50 at
/// each 7-day streak milestone; +10 the first time a task is completed.
public enum FocusXP {
    public static let perMinute = 1
    public static let maxPomodoroBonus = 25
    public static let perStreakMilestone = 50

    /// The bonus for a full pomodoro planned for `plannedSeconds`.
    public static func pomodoroBonus(plannedSeconds: Int) -> Int {
        min(maxPomodoroBonus, max(0, plannedSeconds / 60))
    }

    /// A session's XP: whole minutes of its own length, rounded down, plus the pomodoro
    /// bonus when it was a full pomodoro (`fullPomodoroSeconds` is then its planned length).
    public static func forSession(seconds: Double, fullPomodoroSeconds: Int?) -> Int {
        Int(seconds / 60) * perMinute + (fullPomodoroSeconds.map { pomodoroBonus(plannedSeconds: $0) } ?? 0)
    }
}
