import Foundation

/// When a user's local day starts and which weekdays are rest days (SPEC §9).
public struct DayRules: Equatable, Hashable, Sendable {
    /// The hour (0–6) a local day starts at; 0 is midnight.
    public var dayStartsAt: Int
    public var restDays: RestDays

    public static let standard = DayRules(dayStartsAt: 0, restDays: .none)
    public static let dayStartHours = 0...6

    public init(dayStartsAt: Int, restDays: RestDays) {
        self.dayStartsAt = dayStartsAt
        self.restDays = restDays
    }

    public static func validateDayStart(_ hour: Int) throws(FieldErrors) {
        guard dayStartHours.contains(hour) else { throw FieldErrors(["day_starts_at": "must be an hour from 0 to 6"]) }
    }
}

/// A change of the day rules and the first local date it applies to.
public struct DayRuleChange: Equatable, Sendable {
    public let from: LocalDate
    public let rules: DayRules

    public init(from: LocalDate, rules: DayRules) {
        self.from = from
        self.rules = rules
    }
}

/// The day rules over time: ``DayRules/standard`` before the first change, then each
/// change from its date on. Past days keep the rules they had, so splitting a late
/// session or walking an old day gives the same answer whenever it runs.
public struct DayRuleHistory: Equatable, Sendable {
    /// Oldest first, one per date.
    public let changes: [DayRuleChange]
    /// The rules before the first change.
    public let initial: DayRules

    public static let standard = DayRuleHistory([])

    public init(_ changes: [DayRuleChange], before initial: DayRules = .standard) {
        self.initial = initial
        // Oldest first; of two changes for one date the later one given stands.
        var kept: [DayRuleChange] = []
        for change in changes.enumerated().sorted(by: { ($0.element.from, $0.offset) < ($1.element.from, $1.offset) }).map(\.element) {
            if kept.last?.from == change.from { kept.removeLast() }
            kept.append(change)
        }
        self.changes = kept
    }

    /// The rules of `day`.
    public func rules(on day: LocalDate) -> DayRules {
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle].from <= day { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initial : changes[low - 1].rules
    }

    /// The instant `day` starts in `zone`: its day-start hour under its own rules.
    public func start(of day: LocalDate, in zone: TimeZone) -> Date {
        day.start(in: zone, atHour: rules(on: day).dayStartsAt)
    }

    /// The local day `instant` belongs to in `zone`.
    public func day(containing instant: Date, in zone: TimeZone) -> LocalDate {
        let calendarDay = LocalDate(instant, in: zone)
        // Days that start at midnight are calendar dates: one offset lookup, not four
        // (every page asks for today, and the time zone database takes a lock per lookup).
        if rules(on: calendarDay).dayStartsAt == 0, rules(on: calendarDay.adding(days: 1)).dayStartsAt == 0 { return calendarDay }
        if instant < start(of: calendarDay, in: zone) { return calendarDay.adding(days: -1) }
        // A fall-back across the day start repeats wall times of the previous date.
        if instant >= start(of: calendarDay.adding(days: 1), in: zone) { return calendarDay.adding(days: 1) }
        return calendarDay
    }

    /// Seconds of `[start, end)` on each local day it touches, oldest first.
    public func split(start: Date, end: Date, in zone: TimeZone) -> [(day: LocalDate, seconds: Double)] {
        guard end > start else { return [] }
        var result: [(LocalDate, Double)] = []
        var cursor = start
        var day = day(containing: start, in: zone)
        while cursor < end {
            let stop = min(end, self.start(of: day.adding(days: 1), in: zone))
            if stop > cursor { result.append((day, stop.timeIntervalSince(cursor))) }
            cursor = max(cursor, stop)
            day = day.adding(days: 1)
        }
        return result
    }
}
