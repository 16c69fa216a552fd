/// What a local day is to the streak (SPEC §9).
public enum DayState: String, Sendable, CaseIterable {
    /// Its focus reached the goal.
    case qualified
    /// A rest day that did not qualify: bridges the streak without counting.
    case rest
    /// A planned break day that did not qualify: bridges like a rest day.
    case `break`
    /// A missed day a held freeze bridged.
    case frozen
    /// A missed day with no freeze held: the run ends.
    case missed
    /// Today, while it has not qualified yet.
    case today
    /// Before the first day with any focus (`none` in the API).
    case unstarted = "none"

    /// One letter per state, for storing a stretch of days as text.
    public var letter: Character {
        switch self {
        case .qualified: "q"
        case .rest: "r"
        case .break: "b"
        case .frozen: "f"
        case .missed: "m"
        case .today: "t"
        case .unstarted: "n"
        }
    }

    public init?(letter: Character) {
        guard let state = Self.allCases.first(where: { $0.letter == letter }) else { return nil }
        self = state
    }
}
