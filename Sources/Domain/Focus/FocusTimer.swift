import Foundation

public enum TimerKind: String, CaseIterable, Sendable, Codable {
    case focus
    case shortBreak = "short_break"
    case longBreak = "long_break"

    public var label: String {
        switch self {
        case .focus: "Focus"
        case .shortBreak: "Short break"
        case .longBreak: "Long break"
        }
    }
}

public enum TimerStatus: String, Sendable, Codable {
    case running, paused, completed, cancelled

    public var isLive: Bool { self == .running || self == .paused }
}

public enum TimerError: Error, Equatable, Sendable {
    /// The action needs a running or paused timer and there is none.
    case noActiveTimer
    /// The live timer's state forbids the action (pause a paused timer, resume a running one).
    case invalidTransition(from: TimerStatus, action: String)
}

/// A Pomodoro timer: `running ⇄ paused → completed | cancelled`. The server's clock is
/// the authority and every transition takes the time it happens. A running timer whose
/// planned end has passed completes at that planned end when anything looks at it
/// (``settled(at:)``), so a closed tab never loses a pomodoro.
public struct FocusTimer: Equatable, Sendable {
    public var kind: TimerKind
    public private(set) var status: TimerStatus
    public var taskID: Int64?
    public let plannedSeconds: Int
    public let startedAt: Date
    public private(set) var pausedAt: Date?
    /// Paused time before the current pause.
    public private(set) var pausedSeconds: Double
    public private(set) var endedAt: Date?

    public init(kind: TimerKind, plannedSeconds: Int, taskID: Int64?, startedAt: Date) {
        self.init(kind: kind, status: .running, taskID: taskID, plannedSeconds: plannedSeconds, startedAt: startedAt, pausedAt: nil, pausedSeconds: 0, endedAt: nil)
    }

    /// Restores a stored timer.
    public init(kind: TimerKind, status: TimerStatus, taskID: Int64?, plannedSeconds: Int, startedAt: Date, pausedAt: Date?, pausedSeconds: Double, endedAt: Date?) {
        self.kind = kind
        self.status = status
        self.taskID = taskID
        self.plannedSeconds = plannedSeconds
        self.startedAt = startedAt
        self.pausedAt = pausedAt
        self.pausedSeconds = pausedSeconds
        self.endedAt = endedAt
    }

    /// When a running timer reaches its planned length (nil unless running).
    public var plannedEnd: Date? {
        status == .running ? startedAt.addingTimeInterval(Double(plannedSeconds) + pausedSeconds) : nil
    }

    /// Focused time so far: wall time since the start minus paused time.
    public func focusedSeconds(at now: Date) -> Double {
        let until: Date
        switch status {
        case .running: until = min(now, plannedEnd ?? now)
        case .paused: until = pausedAt ?? now
        case .completed, .cancelled: until = endedAt ?? now
        }
        return max(0, until.timeIntervalSince(startedAt) - pausedSeconds)
    }

    public func remainingSeconds(at now: Date) -> Double {
        max(0, Double(plannedSeconds) - focusedSeconds(at: now))
    }

    /// A completed timer that ran its full planned length.
    public var isFullLength: Bool {
        status == .completed && (endedAt.map { focusedSeconds(at: $0) } ?? 0) >= Double(plannedSeconds)
    }

    /// The timer as it is at `now`: a running timer past its planned end is completed
    /// at that end.
    public func settled(at now: Date) -> FocusTimer {
        guard status == .running, let end = plannedEnd, now >= end else { return self }
        var copy = self
        copy.status = .completed
        copy.endedAt = end
        return copy
    }

    public func pausing(at now: Date) throws(TimerError) -> FocusTimer {
        let timer = try live(at: now)
        guard timer.status == .running else { throw .invalidTransition(from: timer.status, action: "pause") }
        var copy = timer
        copy.status = .paused
        copy.pausedAt = now
        return copy
    }

    public func resuming(at now: Date) throws(TimerError) -> FocusTimer {
        let timer = try live(at: now)
        guard timer.status == .paused, let pausedAt = timer.pausedAt else { throw .invalidTransition(from: timer.status, action: "resume") }
        var copy = timer
        copy.status = .running
        copy.pausedSeconds += max(0, now.timeIntervalSince(pausedAt))
        copy.pausedAt = nil
        return copy
    }

    /// Completes now (early completion records the focused time, not a full pomodoro).
    public func completing(at now: Date) throws(TimerError) -> FocusTimer {
        try ending(.completed, at: now)
    }

    public func cancelling(at now: Date) throws(TimerError) -> FocusTimer {
        try ending(.cancelled, at: now)
    }

    /// Ends a live timer; time spent paused up to now stays excluded.
    private func ending(_ status: TimerStatus, at now: Date) throws(TimerError) -> FocusTimer {
        var copy = try live(at: now)
        if copy.status == .paused, let pausedAt = copy.pausedAt {
            copy.pausedSeconds += max(0, now.timeIntervalSince(pausedAt))
            copy.pausedAt = nil
        }
        copy.status = status
        copy.endedAt = now
        return copy
    }

    /// The timer settled at `now`, or ``TimerError/noActiveTimer`` when it is over.
    private func live(at now: Date) throws(TimerError) -> FocusTimer {
        let timer = settled(at: now)
        guard timer.status.isLive else { throw .noActiveTimer }
        return timer
    }
}

/// What to start next: a break after focus (long after every `longBreakEvery` full
/// focus pomodoros since the last long break), focus after a break or at first.
public enum NextTimer {
    /// `recent`: finished timers, newest first.
    public static func suggest(after recent: [FocusTimer], settings: TimerSettings) -> (kind: TimerKind, minutes: Int) {
        guard let last = recent.first(where: { $0.status == .completed }), last.kind == .focus else {
            return (.focus, settings.minutes(for: .focus))
        }
        var fullPomodoros = 0
        for timer in recent where timer.status == .completed {
            if timer.kind == .longBreak { break }
            if timer.kind == .focus && timer.isFullLength { fullPomodoros += 1 }
        }
        if fullPomodoros > 0 && fullPomodoros % settings.longBreakEvery == 0 {
            return (.longBreak, settings.minutes(for: .longBreak))
        }
        return (.shortBreak, settings.minutes(for: .shortBreak))
    }
}
