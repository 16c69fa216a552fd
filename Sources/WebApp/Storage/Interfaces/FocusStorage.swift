import Domain
import Foundation

/// Why a focus write was refused.
enum FocusConflict: Error, Equatable {
    case timerAlreadyRunning
    case sessionIDReused
    /// The named task is missing, not the user's, or done (one answer for all three).
    case taskNotOpen
}

/// What a session submission came to.
enum SessionOutcome: Sendable {
    case created(FocusSessionRecord)
    case replayed(FocusSessionRecord)
}

/// Why a break could not be cancelled.
enum BreakConflict: Error, Equatable {
    case notFound
    case started
}

/// Focus use cases (SPEC §4, §9), one transaction each: timers (with lazy completion),
/// sessions (idempotent by client id), planned breaks, and the reads for the panels,
/// streak and daily stats. Every write keeps the streak projection equal to a full
/// recomputation from the facts. SQLite: ``AppDatabase`` (`FocusStore.swift`,
/// `BreakStore.swift`, `StreakLedger.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresFocusStore.swift`), where each write holds its user's row so one user's focus
/// writes take turns across instances as SQLite's one writer makes them.
protocol FocusStorage: Sendable {
    /// The live timer (completing an expired one first) and recent finished timers, newest first.
    func timerState(userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> (live: TimerRecord?, recent: [TimerRecord])
    /// Throws ``FocusConflict/timerAlreadyRunning`` or ``FocusConflict/taskNotOpen``.
    func startTimer(userID: Int64, kind: TimerKind, plannedSeconds: Int, taskID: Int64?, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord
    /// Pause, resume, complete or cancel the live timer; completing a focus timer records
    /// its focused time as a session.
    func applyTimerAction(_ action: TimerAction, userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord
    /// The same id with the same content is a replay (nothing counted twice); with other
    /// content it is ``FocusConflict/sessionIDReused``.
    func acceptSession(userID: Int64, _ submission: SessionSubmission, qualifySeconds: Double, now: Date) async throws -> SessionOutcome
    /// Sessions with any time on a local day from `from` to `to`, oldest first.
    func sessions(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [FocusSessionRecord]
    /// The stored streak and the focus seconds of `day`, read together.
    func streak(userID: Int64, day: LocalDate) async throws -> (StreakProjection, seconds: Double)
    /// Focus seconds per local day from `from` to `to`.
    func dailyTotals(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [LocalDate: Double]
    /// The dashboard's focus panels (a running timer past its end completed first).
    func progressSnapshot(userID: Int64, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date) async throws -> ProgressSnapshot
    /// The whole dashboard — a page of tasks and the focus panels — as one moment.
    func dashboardSnapshot(
        userID: Int64, tasks query: TaskQuery, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date
    ) async throws -> (tasks: TaskPage, panels: ProgressSnapshot)
    /// The dashboard with the user of a sign-in session, in one read (``SessionRead``; on
    /// PostgreSQL one statement for a plain task query, two otherwise): the daily totals of
    /// `from`…`to`, and a timer past its end not settled (a pure read).
    func dashboardSnapshot(userID: Int64, session: Int64, tasks query: TaskQuery, from: LocalDate, to: LocalDate) async throws -> SessionRead<DashboardRead>?
    /// The user's most recent timer, whatever its state.
    func lastTimer(userID: Int64) async throws -> TimerRecord?
    /// Validates against the user's today and other breaks, stores, recomputes.
    func planBreak(userID: Int64, from: LocalDate?, to: LocalDate?, note: String?, qualifySeconds: Double, now: Date) async throws -> BreakRecord
    /// Cancels a break that has not started.
    func cancelBreak(userID: Int64, id: Int64, qualifySeconds: Double, now: Date) async throws
    /// The user's breaks, oldest first.
    func breaks(userID: Int64) async throws -> [BreakRecord]
    /// The streak walked from every fact, keeping every day's state (the calendar).
    func fullStreak(userID: Int64, qualifySeconds: Double) async throws -> (projection: StreakProjection, totals: [LocalDate: Double])
    /// Walks again every streak stored before the fair-streak rules; returns how many.
    @discardableResult
    func rewalkStaleStreaks(qualifySeconds: Double, now: Date) async throws -> Int
}
