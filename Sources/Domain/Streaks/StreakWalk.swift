/// The streak walked day by day, oldest first (SPEC §9): the one place that decides what
/// each day is. A qualified day lengthens the run (every 7th of a run is a milestone and
/// earns a freeze, at most 2 held); a rest or break day bridges it; any other day before
/// today is missed — a held freeze bridges it, else the run ends. Freezes are never
/// stored counters: walking the same facts always decides the same days.
public struct StreakWalk: Equatable, Sendable {
    /// Qualified days in the current run.
    public var run = 0
    public var freezesHeld = 0
    /// Freezes used so far (days `frozen`).
    public var freezesUsed = 0
    public var longest = 0
    public var qualifiedDays = 0
    /// Milestones reached over all runs.
    public var milestones = 0
    public var lastQualifiedDate: LocalDate?

    public static let milestoneEvery = 7
    public static let maxFreezesHeld = 2

    public init() {}

    /// Walks one day. `bridge` is the day's rest or break state (``StreakBridges``);
    /// `isToday` marks the day that is not over yet, which cannot be missed.
    @discardableResult
    public mutating func pass(_ day: LocalDate, qualified: Bool, bridge: DayState?, isToday: Bool = false) -> DayState {
        if qualified {
            run += 1
            qualifiedDays += 1
            longest = max(longest, run)
            lastQualifiedDate = day
            if run % Self.milestoneEvery == 0 {
                milestones += 1
                freezesHeld = min(Self.maxFreezesHeld, freezesHeld + 1)
            }
            return .qualified
        }
        if isToday { return .today }
        if let bridge { return bridge }
        if freezesHeld > 0 {
            freezesHeld -= 1
            freezesUsed += 1
            return .frozen
        }
        run = 0
        return .missed
    }

    /// The qualified-day count of the current run at which the next milestone falls.
    public static func nextMilestone(after current: Int) -> Int {
        (current / milestoneEvery + 1) * milestoneEvery
    }
}
