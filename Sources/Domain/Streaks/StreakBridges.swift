/// The days that bridge a streak without counting: rest days (by the rules each day
/// had) and planned break days. A break day that is also a rest day is a break day.
public struct StreakBridges: Equatable, Sendable {
    /// The rest days from each date on, oldest first; before the first, none.
    public let restDays: [(from: LocalDate, days: RestDays)]
    /// Planned breaks, oldest first, not overlapping.
    public let breaks: [ClosedRange<LocalDate>]

    public static let none = StreakBridges(restDays: [], breaks: [])

    public init(restDays: [(from: LocalDate, days: RestDays)], breaks: [ClosedRange<LocalDate>]) {
        self.restDays = restDays.sorted { $0.from < $1.from }
        self.breaks = breaks.sorted { $0.lowerBound < $1.lowerBound }
    }

    public init(history: DayRuleHistory, breaks: [ClosedRange<LocalDate>]) {
        let initial = history.initial.restDays == .none ? [] : [(LocalDate(dayNumber: Int(Int32.min)), history.initial.restDays)]
        self.init(restDays: initial + history.changes.map { ($0.from, $0.rules.restDays) }, breaks: breaks)
    }

    public static func == (lhs: StreakBridges, rhs: StreakBridges) -> Bool {
        lhs.breaks == rhs.breaks && lhs.restDays.map(\.from) == rhs.restDays.map(\.from) && lhs.restDays.map(\.days) == rhs.restDays.map(\.days)
    }

    /// `.break`, `.rest`, or nil for a day that must qualify or be missed.
    public func bridge(on day: LocalDate) -> DayState? {
        if breaks.contains(where: { $0.contains(day) }) { return .break }
        return restDays(on: day).contains(day) ? .rest : nil
    }

    func restDays(on day: LocalDate) -> RestDays {
        restDays.last { $0.from <= day }?.days ?? .none
    }

    /// The same bridges for the days after `day` only (what a stored streak keeps).
    public func after(_ day: LocalDate) -> StreakBridges {
        let next = day.adding(days: 1)
        let later = restDays.filter { $0.from > next }
        let current = restDays(on: next)
        let rest = current == .none && later.isEmpty ? [] : [(next, current)] + later
        return StreakBridges(restDays: rest, breaks: breaks.filter { $0.upperBound > day })
    }

    /// Stored as text: `r<day number>:<weekday mask>` and `b<first day>:<last day>`,
    /// separated by spaces.
    public var encoded: String {
        (restDays.map { "r\($0.from.dayNumber):\($0.days.mask)" } + breaks.map { "b\($0.lowerBound.dayNumber):\($0.upperBound.dayNumber)" })
            .joined(separator: " ")
    }

    public init(encoded: String) {
        var rest: [(LocalDate, RestDays)] = []
        var breaks: [ClosedRange<LocalDate>] = []
        for entry in encoded.split(separator: " ") {
            let numbers = entry.dropFirst().split(separator: ":").compactMap { Int($0) }
            guard numbers.count == 2 else { continue }
            if entry.first == "r" {
                rest.append((LocalDate(dayNumber: numbers[0]), RestDays(mask: numbers[1])))
            } else if entry.first == "b", numbers[0] <= numbers[1] {
                breaks.append(LocalDate(dayNumber: numbers[0])...LocalDate(dayNumber: numbers[1]))
            }
        }
        self.init(restDays: rest, breaks: breaks)
    }
}
