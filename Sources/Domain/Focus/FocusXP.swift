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
