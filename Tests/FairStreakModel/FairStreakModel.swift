import Domain
import Foundation

/// A slow, obviously correct model of SPEC §9, day by day, for property tests: a day
/// starts at the first quarter hour whose local time is its day-start hour or later
/// (found by walking quarter hours — every offset and DST change since 1970 in the test
/// zones is on a quarter hour); a session's seconds on a day are its overlap with that
/// day's span; the walk applies the section's words in order to each day.
public struct FairStreakModel {
    public struct Session: Sendable {
        public let start: Date
        public let end: Date
        public let zone: TimeZone

        public init(start: Date, end: Date, zone: TimeZone) {
            self.start = start
            self.end = end
            self.zone = zone
        }
    }

    /// (first date, day start hour, rest weekdays), oldest first.
    public var changes: [(from: LocalDate, hour: Int, rest: Set<Int>)] = []
    public var breaks: [ClosedRange<LocalDate>] = []
    public var goal: Double

    public init(goal: Double) { self.goal = goal }

    public func rule(on day: LocalDate) -> (hour: Int, rest: Set<Int>) {
        var current = (hour: 0, rest: Set<Int>())
        for change in changes where change.from <= day { current = (change.hour, change.rest) }
        return current
    }

    public func start(of day: LocalDate, in zone: TimeZone) -> Int {
        let target = day.dayNumber * 86_400 + rule(on: day).hour * 3600
        var instant = target - 15 * 3600
        while instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) < target { instant += 900 }
        return instant
    }

    public func totals(_ sessions: [Session]) -> [LocalDate: Double] {
        var totals: [LocalDate: Double] = [:]
        for session in sessions {
            let first = LocalDate(session.start, in: .gmt).adding(days: -2)
            let last = LocalDate(session.end, in: .gmt).adding(days: 1)
            var day = first
            while day <= last {
                let from = max(session.start.timeIntervalSince1970, Double(start(of: day, in: session.zone)))
                let to = min(session.end.timeIntervalSince1970, Double(start(of: day.adding(days: 1), in: session.zone)))
                if to > from { totals[day, default: 0] += to - from }
                day = day.adding(days: 1)
            }
        }
        return totals
    }

    public struct Outcome: Equatable, Sendable {
        public var current = 0
        public var longest = 0
        public var qualifiedDays = 0
        public var milestones = 0
        public var freezesHeld = 0
        public var freezesUsed = 0
        public var states: [LocalDate: DayState] = [:]

        public init(current: Int = 0, longest: Int = 0, qualifiedDays: Int = 0, milestones: Int = 0, freezesHeld: Int = 0, freezesUsed: Int = 0, states: [LocalDate: DayState] = [:]) {
            (self.current, self.longest, self.qualifiedDays, self.milestones) = (current, longest, qualifiedDays, milestones)
            (self.freezesHeld, self.freezesUsed, self.states) = (freezesHeld, freezesUsed, states)
        }
    }

    /// Walks every day from the first with focus through `today`.
    public func walk(_ totals: [LocalDate: Double], today: LocalDate) -> Outcome {
        var outcome = Outcome()
        guard let first = totals.filter({ $0.value > 0 }).keys.min() else {
            // Today is today, even before the first session.
            outcome.states[today] = .today
            return outcome
        }
        var run = 0
        var day = first
        while day <= today {
            let state: DayState
            if (totals[day] ?? 0) >= goal {
                state = .qualified
                run += 1
                outcome.qualifiedDays += 1
                if run % 7 == 0 {
                    outcome.milestones += 1
                    outcome.freezesHeld = min(2, outcome.freezesHeld + 1)
                }
                outcome.longest = max(outcome.longest, run)
            } else if day == today {
                state = .today
            } else if breaks.contains(where: { $0.contains(day) }) {
                state = .break
            } else if rule(on: day).rest.contains(day.weekday) {
                state = .rest
            } else if outcome.freezesHeld > 0 {
                state = .frozen
                outcome.freezesHeld -= 1
                outcome.freezesUsed += 1
            } else {
                state = .missed
                run = 0
            }
            outcome.states[day] = state
            day = day.adding(days: 1)
        }
        outcome.current = run
        return outcome
    }

    /// The same rules in the shapes the app stores them in.
    public var history: DayRuleHistory {
        DayRuleHistory(changes.map { change in
            DayRuleChange(from: change.from, rules: DayRules(dayStartsAt: change.hour, restDays: RestDays(mask: change.rest.reduce(0) { $0 | 1 << $1 })))
        })
    }

    public var bridges: StreakBridges { StreakBridges(history: history, breaks: breaks) }
}

/// Random histories for the model: sessions in zones with DST and odd offsets, changes of
/// day start and rest days, breaks, and a today after them.
public enum FairStreakHistories {
    public static let zones = [
        "UTC", "Europe/Berlin", "America/New_York", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe",
        "America/Santiago", "America/Havana", "Asia/Tokyo",
    ].map { TimeZone(identifier: $0)! }

    /// How many random histories a property test walks: `FQ_PROPERTY_HISTORIES` raises it.
    public static var count: Int {
        ProcessInfo.processInfo.environment["FQ_PROPERTY_HISTORIES"].flatMap(Int.init) ?? 2000
    }

    public static func make(using random: inout SeededRandom) -> (model: FairStreakModel, sessions: [FairStreakModel.Session], today: LocalDate) {
        let origin = Int.random(in: 1_704_067_200...1_830_297_600, using: &random)  // 2024 … 2027
        let span = Int.random(in: 10...50, using: &random)
        var sessions: [FairStreakModel.Session] = []
        for _ in 0..<Int.random(in: 0...Int.random(in: 1...40, using: &random), using: &random) {
            let start = origin + Int.random(in: 0...(span * 86_400), using: &random)
            let roll = Int.random(in: 0..<10, using: &random)
            let length = roll < 7 ? Int.random(in: 60...5400, using: &random) : roll < 9 ? Int.random(in: 5400...21_600, using: &random) : Int.random(in: 1...86_400, using: &random)
            sessions.append(.init(
                start: Date(timeIntervalSince1970: Double(start)), end: Date(timeIntervalSince1970: Double(start + length)),
                zone: zones.randomElement(using: &random)!))
        }
        let firstDay = LocalDate(Date(timeIntervalSince1970: Double(origin)), in: .gmt)
        var model = FairStreakModel(goal: Double([10, 30, 45].randomElement(using: &random)! * 60))
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let from = firstDay.adding(days: Int.random(in: -3...(span + 3), using: &random))
            let rest = Set((0..<Int.random(in: 0...3, using: &random)).map { _ in Int.random(in: 0..<7, using: &random) })
            model.changes.append((from, Int.random(in: 0...6, using: &random), rest))
        }
        model.changes.sort { $0.from < $1.from }
        var cursor = firstDay.adding(days: Int.random(in: 0...10, using: &random))
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let length = Int.random(in: 1...14, using: &random)
            model.breaks.append(cursor...cursor.adding(days: length - 1))
            cursor = cursor.adding(days: length + Int.random(in: 1...12, using: &random))
        }
        // Sessions end at most a day after the span, on a date at most a day ahead of UTC's.
        let today = firstDay.adding(days: span + 2 + Int.random(in: 0...12, using: &random))
        return (model, sessions, today)
    }
}
