import Domain
import Foundation

/// The focus rules of SPEC §4 between controllers and storage: timers with lengths from
/// the user's settings, sessions from API clients, the streak and daily stats, all in
/// the user's current time zone for "today".
struct FocusService: Sendable {
    private let database: any FocusStorage & AccountStorage
    let clock: any WallClock
    let qualifyMinutes: Int

    init(database: any FocusStorage & AccountStorage, clock: any WallClock, qualifyMinutes: Int) {
        self.database = database
        self.clock = clock
        self.qualifyMinutes = qualifyMinutes
    }

    var qualifySeconds: Double { Double(qualifyMinutes * 60) }

    struct TimerState: Sendable {
        let live: TimerRecord?
        let next: (kind: TimerKind, minutes: Int)
    }

    /// The streak as of the user's today, with what the pages and the API show beside it.
    struct StreakView: Sendable {
        let projection: StreakProjection
        let status: StreakStatus
        let rules: DayRules
        let todayMinutes: Int
        let qualifyMinutes: Int

        init(_ projection: StreakProjection, user: UserRecord, today: LocalDate, todaySeconds: Double, qualifyMinutes: Int) {
            self.projection = projection
            status = projection.status(today: today)
            rules = user.dayRules
            todayMinutes = Int(todaySeconds / 60)
            self.qualifyMinutes = qualifyMinutes
        }

        var current: Int { status.current }
    }

    /// A task that is missing, someone else's or done is a validation problem of the
    /// request's `task_id` (the same answer for all three, so nothing leaks).
    private static func namingOpenTasks<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch FocusConflict.taskNotOpen {
            throw AppError.validation("task_id", "must be one of your open tasks")
        }
    }

    /// The user as stored now (the request's copy was read before this request's XP).
    func current(_ user: UserRecord) async throws -> UserRecord {
        try await database.user(id: user.userID) ?? user
    }

    /// The user's most recent timer, live or ended.
    func lastTimer(of user: UserRecord) async throws -> TimerRecord? {
        try await database.lastTimer(userID: user.userID)
    }

    /// The user's local day now: their time zone, split at their day start.
    func today(for user: UserRecord) -> LocalDate {
        user.today(at: clock.now)
    }

    func timer(for user: UserRecord) async throws -> TimerState {
        let state = try await database.timerState(userID: user.userID, timezone: user.timezone, qualifySeconds: qualifySeconds, now: clock.now)
        return TimerState(live: state.live, next: NextTimer.suggest(after: state.recent.map(\.timer), settings: user.timerSettings))
    }

    /// Starts a timer; kind and length default to the suggestion and the user's settings.
    /// `known` holds problems the caller already found (a form field that is not a
    /// number), so one answer names them with the rest.
    func start(for user: UserRecord, kind rawKind: String?, taskID: Int64?, minutes: Int?, known: FieldErrors = FieldErrors()) async throws -> TimerRecord {
        var errors = known
        var kind: TimerKind?
        if let rawKind {
            kind = TimerKind(rawValue: rawKind)
            if kind == nil { errors["kind"] = "must be one of focus, short_break, long_break" }
        }
        if let minutes, !(1...180).contains(minutes) { errors["minutes"] = "must be 1 to 180" }
        if taskID != nil, let kind, kind != .focus { errors["task_id"] = Self.breakWithTask }
        guard errors.isEmpty else { throw AppError.validation(errors) }
        let chosen: TimerKind
        if let kind { chosen = kind } else { chosen = try await timer(for: user).next.kind }
        if taskID != nil, chosen != .focus { throw AppError.validation("task_id", Self.breakWithTask) }
        let length = minutes ?? user.timerSettings.minutes(for: chosen)
        return try await Self.namingOpenTasks {
            try await database.startTimer(
                userID: user.userID, kind: chosen, plannedSeconds: length * 60, taskID: taskID, timezone: user.timezone,
                qualifySeconds: qualifySeconds, now: clock.now)
        }
    }

    func act(_ action: TimerAction, for user: UserRecord) async throws -> TimerRecord {
        try await database.applyTimerAction(action, userID: user.userID, timezone: user.timezone, qualifySeconds: qualifySeconds, now: clock.now)
    }

    /// Validates and stores a session from an API client (idempotent by `session_id`).
    func submit(for user: UserRecord, sessionID: String, start: Date, end: Date, timezone: String?, taskID: Int64?) async throws -> SessionOutcome {
        var errors = SessionRules.problems(sessionID: sessionID, start: start, end: end, now: clock.now)
        let trimmedID = sessionID.trimmingWhitespace
        var zone = user.timezone
        if let timezone {
            do { zone = try TimeZoneName(timezone).identifier } catch { errors = errors.merging(error) }
        }
        guard errors.isEmpty else { throw AppError.validation(errors) }
        let submission = SessionSubmission(sessionID: trimmedID, start: start, end: end, timezone: zone, taskID: taskID)
        return try await Self.namingOpenTasks {
            try await database.acceptSession(userID: user.userID, submission, qualifySeconds: qualifySeconds, now: clock.now)
        }
    }

    static let breakWithTask = "can only be named by a focus timer, not a break"

    func sessions(for user: UserRecord, from rawFrom: String?, to rawTo: String?) async throws -> [FocusSessionRecord] {
        let days = try DayRangeQuery.parse(from: rawFrom, to: rawTo)
        return try await database.sessions(userID: user.userID, from: days.lowerBound, to: days.upperBound)
    }

    func streak(for user: UserRecord) async throws -> StreakView {
        let today = today(for: user)
        let (projection, todaySeconds) = try await database.streak(userID: user.userID, day: today)
        return StreakView(projection, user: user, today: today, todaySeconds: todaySeconds, qualifyMinutes: qualifyMinutes)
    }

    /// Whole minutes per local day for the last `days` days, oldest first, today last.
    func daily(for user: UserRecord, days: Int) async throws -> [(date: LocalDate, minutes: Int)] {
        let today = today(for: user)
        let from = today.adding(days: -(days - 1))
        let totals = try await database.dailyTotals(userID: user.userID, from: from, to: today)
        return (0..<days).map { offset in
            let day = from.adding(days: offset)
            return (day, Int((totals[day] ?? 0) / 60))
        }
    }
}

extension FocusService {
    /// Everything the dashboard's timer and progress panels show.
    struct Dashboard: Sendable {
        let timer: TimerState
        let streak: StreakView
        let snapshot: ProgressSnapshot
        let today: LocalDate
    }

    func dashboard(for user: UserRecord) async throws -> Dashboard {
        let today = today(for: user)
        let snapshot = try await database.progressSnapshot(
            userID: user.userID, timezone: user.timezone, qualifySeconds: qualifySeconds,
            from: today.adding(days: -Self.heatmapDays), to: today, now: clock.now)
        return dashboard(snapshot, user: user, today: today)
    }

    /// The dashboard's panels and a page of tasks, read together (one transaction).
    func dashboard(for user: UserRecord, tasks query: TaskQuery) async throws -> (dashboard: Dashboard, tasks: TaskPage) {
        let today = today(for: user)
        let read = try await database.dashboardSnapshot(
            userID: user.userID, tasks: query, timezone: user.timezone, qualifySeconds: qualifySeconds,
            from: today.adding(days: -Self.heatmapDays), to: today, now: clock.now)
        return (dashboard(read.panels, user: user, today: today), read.tasks)
    }

    /// The dashboard read with the user of a sign-in session (``SessionRead``). The user is
    /// not known yet, so neither is their today: the totals are read for the days any
    /// user's heatmap can show now (every time zone and day start), and
    /// ``dashboard(_:for:tasks:)`` keeps the user's.
    func dashboard(userID: Int64, session: Int64, tasks query: TaskQuery) async throws -> SessionRead<DashboardRead>? {
        let utcToday = LocalDate(clock.now, in: .gmt)
        return try await database.dashboardSnapshot(
            userID: userID, session: session, tasks: query, from: utcToday.adding(days: -2 - Self.heatmapDays), to: utcToday.adding(days: 1))
    }

    /// The dashboard of `read` (made with the sign-in of `user`, admitted since) for `user`;
    /// read again the usual way when a timer has run past its end (it is completed first).
    func dashboard(_ read: DashboardRead, for user: UserRecord, tasks query: TaskQuery) async throws -> (dashboard: Dashboard, tasks: TaskPage) {
        if let live = read.panels.live, live.timer.settled(at: clock.now).status != live.status {
            return try await dashboard(for: user, tasks: query)
        }
        let today = today(for: user)
        return (dashboard(read.panels.keepingTotals(from: today.adding(days: -Self.heatmapDays), to: today), user: user, today: today), read.tasks)
    }

    /// The days before today the dashboard's panels read totals for.
    private static let heatmapDays = 7 * ProgressView.heatmapWeeks

    private func dashboard(_ snapshot: ProgressSnapshot, user: UserRecord, today: LocalDate) -> Dashboard {
        let timer = TimerState(live: snapshot.live, next: NextTimer.suggest(after: snapshot.finished.map(\.timer), settings: user.timerSettings))
        let streak = StreakView(snapshot.streak, user: user, today: today, todaySeconds: snapshot.totals[today] ?? 0, qualifyMinutes: qualifyMinutes)
        return Dashboard(timer: timer, streak: streak, snapshot: snapshot, today: today)
    }
}
