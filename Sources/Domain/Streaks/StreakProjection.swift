/// The streak as stored: the walk up to its *anchor* — the last qualified day, or the day
/// before the first day with focus when none qualified yet — and what the days after it
/// need (the bridges), so any reader finishes the walk to its own today in Swift
/// without reading the history again. It depends only on stored facts (daily totals,
/// the rules history, breaks), never on the day it is computed, so recomputing it after
/// any write gives the same row a full recomputation would.
public struct StreakProjection: Equatable, Sendable {
    /// The walk's state after the anchor.
    public var walk: StreakWalk
    /// The first day with any focus; nil before the first session.
    public var firstDay: LocalDate?
    public var anchor: LocalDate?
    /// The states of the last days up to the anchor, oldest first (at most the number
    /// asked for), ending at the anchor.
    public var recentStates: [DayState]
    /// Rest and break days after the anchor.
    public var bridges: StreakBridges

    public static let empty = StreakProjection(walk: StreakWalk(), firstDay: nil, anchor: nil, recentStates: [], bridges: .none)
    /// States kept in the stored row: enough for the dashboard's 12-week heatmap.
    public static let storedStates = 98

    public init(walk: StreakWalk, firstDay: LocalDate?, anchor: LocalDate?, recentStates: [DayState], bridges: StreakBridges) {
        self.walk = walk
        self.firstDay = firstDay
        self.anchor = anchor
        self.recentStates = recentStates
        self.bridges = bridges
    }

    /// Walks `totals` (seconds per local day) from the first day with focus to the anchor.
    public init(totals: [LocalDate: Double], goalSeconds: Double, bridges: StreakBridges, keepStates: Int = storedStates) {
        let focusDays = totals.filter { $0.value > 0 }.keys
        guard let first = focusDays.min() else {
            self = .empty
            self.bridges = bridges
            return
        }
        let qualified = totals.filter { $0.value >= goalSeconds }.keys
        let anchor = qualified.max() ?? first.adding(days: -1)
        var walk = StreakWalk()
        var states: [DayState] = []
        var day = first
        while day <= anchor {
            let state = walk.pass(day, qualified: (totals[day] ?? 0) >= goalSeconds, bridge: bridges.bridge(on: day))
            if anchor.dayNumber - day.dayNumber < keepStates { states.append(state) }
            day = day.adding(days: 1)
        }
        self.init(walk: walk, firstDay: first, anchor: anchor, recentStates: states, bridges: bridges.after(anchor))
    }

    /// The streak as of `today`.
    public func status(today: LocalDate) -> StreakStatus {
        var walk = walk
        if let anchor {
            var day = anchor.adding(days: 1)
            // Days after the anchor never qualified; the walk ends once the run has.
            while day < today, walk.run > 0 {
                walk.pass(day, qualified: false, bridge: bridges.bridge(on: day))
                day = day.adding(days: 1)
            }
        }
        return StreakStatus(walk: walk)
    }

    /// The state of each day from `from` to `to` (not after `today`), oldest first.
    /// Days up to the anchor come from what was walked (nil when older than the kept
    /// states); later ones from finishing the walk.
    public func states(from: LocalDate, to: LocalDate, today: LocalDate) -> [(day: LocalDate, state: DayState?)] {
        let last = min(to, today)
        guard from <= last else { return [] }
        var result: [(day: LocalDate, state: DayState?)] = []
        result.reserveCapacity(last.dayNumber - from.dayNumber + 1)
        guard let first = firstDay, let anchor else {
            var day = from
            while day <= last {
                result.append((day, day == today ? .today : .unstarted))
                day = day.adding(days: 1)
            }
            return result
        }
        var walk = walk
        var day = from
        // Finish the walk from the anchor up to the first day asked for.
        var finished = anchor.adding(days: 1)
        while finished < from, finished < today, walk.run > 0 {
            walk.pass(finished, qualified: false, bridge: bridges.bridge(on: finished))
            finished = finished.adding(days: 1)
        }
        while day <= last {
            let state: DayState?
            if day < first {
                state = day == today ? .today : .unstarted
            } else if day <= anchor {
                let index = recentStates.count - 1 - (anchor.dayNumber - day.dayNumber)
                state = recentStates.indices.contains(index) ? recentStates[index] : nil
            } else {
                state = walk.pass(day, qualified: false, bridge: bridges.bridge(on: day), isToday: day == today)
            }
            result.append((day, state))
            day = day.adding(days: 1)
        }
        return result
    }
}

/// A user's streak as of a day (SPEC §4 and §9).
public struct StreakStatus: Equatable, Sendable {
    /// Qualified days in the run that reaches today or yesterday (bridged days keep it
    /// alive without adding).
    public let current: Int
    public let longest: Int
    public let qualifiedDays: Int
    public let lastQualifiedDate: LocalDate?
    public let milestones: Int
    public let freezesHeld: Int
    public let freezesUsed: Int

    public init(walk: StreakWalk) {
        current = walk.run
        longest = walk.longest
        qualifiedDays = walk.qualifiedDays
        lastQualifiedDate = walk.lastQualifiedDate
        milestones = walk.milestones
        freezesHeld = walk.freezesHeld
        freezesUsed = walk.freezesUsed
    }

    /// The current run's qualified-day count at which the next milestone falls.
    public var nextMilestoneAt: Int { StreakWalk.nextMilestone(after: current) }
}
