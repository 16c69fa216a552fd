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
        guard let byte = letter.asciiValue else { return nil }
        self.init(letterByte: byte)
    }

    /// From the ASCII byte of ``letter`` (stored text is read byte by byte).
    public init?(letterByte byte: UInt8) {
        switch byte {
        case UInt8(ascii: "q"): self = .qualified
        case UInt8(ascii: "r"): self = .rest
        case UInt8(ascii: "b"): self = .break
        case UInt8(ascii: "f"): self = .frozen
        case UInt8(ascii: "m"): self = .missed
        case UInt8(ascii: "t"): self = .today
        case UInt8(ascii: "n"): self = .unstarted
        default: return nil
        }
    }
}
