import Domain
import Foundation
import GRDB

/// A timer action a user asks for.
enum TimerAction: String, Sendable {
    case pause, resume, complete, cancel
}

/// What a focus session submission needs, after parsing.
struct SessionSubmission: Sendable {
    let sessionID: String
    let start: Date
    let end: Date
    let timezone: String
    let taskID: Int64?
}

extension AppDatabase: FocusStorage {
    /// The live timer (completing an expired one first) and recent finished timers,
    /// newest first, for suggesting what comes next.
    func timerState(userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> (live: TimerRecord?, recent: [TimerRecord]) {
        let (recent, _) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: { $0.first { $0.status.isLive } }) { db in
            try TimerRecord.fetchAll(db.cachedStatement(sql: TimerRecord.recentSQL), arguments: [userID])
        }
        return (recent.first(where: { $0.status.isLive }), recent.filter { !$0.status.isLive })
    }

    /// Reads; when the live timer in what was read has run past its planned end, completes
    /// it (one write, once per timer) and reads again. Returns the read and the timer it
    /// completed (nil when none had run out).
    private func readSettlingTimer<T>(
        userID: Int64, timezone: String, qualifySeconds: Double, now: Date, live: (T) -> TimerRecord?, _ work: (Database) throws -> T
    ) async throws -> (T, settled: TimerRecord?) {
        let result = try read(work)
        guard let timer = live(result), timer.timer.settled(at: now).status != timer.status else { return (result, nil) }
        try await write { db in
            _ = try Self.settleLiveTimer(db, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
        }
        return (try read(work), timer.with(timer.timer.settled(at: now)))
    }

    func startTimer(userID: Int64, kind: TimerKind, plannedSeconds: Int, taskID: Int64?, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord {
        try await write { db in
            if try Self.settleLiveTimer(db, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now) != nil {
                throw FocusConflict.timerAlreadyRunning
            }
            if let taskID { try Self.requireOpenTask(db, taskID: taskID, userID: userID) }
            var record = TimerRecord(userID: userID, FocusTimer(kind: kind, plannedSeconds: plannedSeconds, taskID: taskID, startedAt: now))
            try record.insert(db)
            LiveChangeLog.note(db, userID: userID, .timer)
            return record
        }
    }

    /// Pause, resume, complete or cancel the live timer. Completing a focus timer records
    /// its focused time as a session.
    func applyTimerAction(_ action: TimerAction, userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord {
        try await write { db in
            guard let live = try Self.settleLiveTimer(db, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now) else {
                throw TimerError.noActiveTimer
            }
            let next: FocusTimer
            switch action {
            case .pause: next = try live.timer.pausing(at: now)
            case .resume: next = try live.timer.resuming(at: now)
            case .complete: next = try live.timer.completing(at: now)
            case .cancel: next = try live.timer.cancelling(at: now)
            }
            let updated = live.with(next)
            try updated.update(db)
            LiveChangeLog.note(db, userID: userID, .timer)
            if next.status == .completed {
                try Self.recordTimerSession(db, updated, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
            }
            return updated
        }
    }

    /// Accepts a session from an API client. The same id with the same content is a
    /// replay (nothing counted twice); with other content it is a conflict.
    func acceptSession(userID: Int64, _ submission: SessionSubmission, qualifySeconds: Double, now: Date) async throws -> SessionOutcome {
        try await write { db in
            var session = FocusSessionRecord(
                userId: userID, sessionId: submission.sessionID, startTime: submission.start, endTime: submission.end,
                timezone: submission.timezone, taskId: submission.taskID, fullPomodoro: false, createdAt: now)
            if let stored = try FocusSessionRecord.fetchOne(db, sql: "SELECT * FROM focus_sessions WHERE user_id = ? AND session_id = ?", arguments: [userID, submission.sessionID]) {
                guard stored.hasSameContent(as: session) else { throw FocusConflict.sessionIDReused }
                return .replayed(stored)
            }
            if let taskID = submission.taskID { try Self.requireOpenTask(db, taskID: taskID, userID: userID) }
            try FocusLedger.record(db, &session, qualifySeconds: qualifySeconds)
            return .created(session)
        }
    }

    /// Sessions with any time on a local day from `from` to `to` (inclusive) in their own
    /// time zone, split at the user's day start as their daily totals are; oldest first.
    func sessions(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [FocusSessionRecord] {
        let earliest = from.start(in: .gmt).addingTimeInterval(-2 * 86_400)
        let latest = to.adding(days: 1).start(in: .gmt).addingTimeInterval(86_400)
        let (candidates, rules) = try read { db in
            (
                try FocusSessionRecord.fetchAll(
                    db, sql: "SELECT * FROM focus_sessions WHERE user_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time, id",
                    arguments: [userID, earliest, latest]),
                try StreakLedger.dayRules(db, userID: userID)
            )
        }
        return candidates.filter { session in
            rules.split(start: session.startTime, end: session.endTime, in: session.zone).contains { $0.day >= from && $0.day <= to }
        }
    }

    /// The stored streak and the focus seconds of `day`, read together.
    func streak(userID: Int64, day: LocalDate) async throws -> (StreakProjection, seconds: Double) {
        try read { db in
            let seconds = try Double.fetchOne(
                db.cachedStatement(sql: "SELECT seconds FROM daily_totals WHERE user_id = ? AND day = ?"), arguments: [userID, day.description])
            return (try StreakRecord.find(db, userID: userID), seconds ?? 0)
        }
    }

    /// Focus seconds per local day from `from` to `to`.
    func dailyTotals(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [LocalDate: Double] {
        try read { db in
            var totals: [LocalDate: Double] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT day, seconds FROM daily_totals WHERE user_id = ? AND day BETWEEN ? AND ?"),
                arguments: [userID, from.description, to.description])
            while let row = try rows.next() {
                if let day = row.storedDay(0) { totals[day, default: 0] += row[1] as Double }
            }
            return totals
        }
    }

    /// The live timer after lazy completion: a running timer past its planned end is
    /// completed at that end (and its session recorded); nil when none is live.
    private static func settleLiveTimer(_ db: Database, userID: Int64, timezone: String, qualifySeconds: Double, now: Date) throws -> TimerRecord? {
        guard let live = try TimerRecord.fetchOne(db.cachedStatement(sql: TimerRecord.liveSQL), arguments: [userID]) else {
            return nil
        }
        let settled = live.timer.settled(at: now)
        guard settled.status != live.status else { return live }
        let updated = live.with(settled)
        try updated.update(db)
        LiveChangeLog.note(db, userID: userID, .timer)
        try recordTimerSession(db, updated, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
        return nil
    }

    /// A completed timer is announced (`timer.completed`); a focus timer becomes a session
    /// of its focused time, ending when it ended.
    private static func recordTimerSession(_ db: Database, _ record: TimerRecord, timezone: String, qualifySeconds: Double, now: Date) throws {
        try WebhookOutbox.emit(db, userID: record.userId, event: .timerCompleted, data: WebhookOutbox.json(TimerJSON(record, now: now)), at: now)
        guard var session = record.completedSession(timezone: timezone, now: now) else { return }
        try FocusLedger.record(db, &session, qualifySeconds: qualifySeconds)
    }

    /// A task named in a request must be the user's and not done; both failures give the
    /// same answer so nothing leaks.
    private static func requireOpenTask(_ db: Database, taskID: Int64, userID: Int64) throws {
        let status = try String.fetchOne(db, sql: "SELECT status FROM tasks WHERE id = ? AND user_id = ?", arguments: [taskID, userID])
        guard let status, status != TaskStatus.done.rawValue else {
            throw FocusConflict.taskNotOpen
        }
    }
}

/// What the dashboard's focus panels read: recent timers (live one included), the
/// streak, daily totals of a range and the open tasks a timer can be started on.
struct ProgressSnapshot: Sendable {
    let live: TimerRecord?
    let finished: [TimerRecord]
    let streak: StreakProjection
    let totals: [LocalDate: Double]
    let openTasks: [(id: Int64, title: String)]
    /// The timer this read completed because it had run past its end unseen (a closed tab).
    var settledNow: TimerRecord?
}

extension ProgressSnapshot {
    /// The same moment with the daily totals of `from`…`to` only.
    func keepingTotals(from: LocalDate, to: LocalDate) -> ProgressSnapshot {
        ProgressSnapshot(
            live: live, finished: finished, streak: streak, totals: totals.filter { $0.key >= from && $0.key <= to }, openTasks: openTasks,
            settledNow: settledNow)
    }
}

extension AppDatabase {
    /// The dashboard's panels in one statement, so the page costs three in all (user,
    /// task page, this). A running timer past its planned end is completed first (a
    /// write, once per timer) and the panels read again.
    func progressSnapshot(userID: Int64, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date) async throws -> ProgressSnapshot {
        var (panels, settled) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: \.live) { db in
            try Self.readPanels(db, userID: userID, from: from, to: to)
        }
        panels.settledNow = settled
        return panels
    }

    /// The whole dashboard — a page of tasks and the focus panels — from one read
    /// transaction, so both show the same moment.
    func dashboardSnapshot(
        userID: Int64, tasks query: TaskQuery, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date
    ) async throws -> (tasks: TaskPage, panels: ProgressSnapshot) {
        var (read, settled) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: \.panels.live) { db in
            (tasks: try Self.taskPage(db, userID: userID, query), panels: try Self.readPanels(db, userID: userID, from: from, to: to))
        }
        read.panels.settledNow = settled
        return read
    }

    /// The dashboard with the user of a sign-in session, from one read transaction
    /// (``SessionRead``); a pure read: a timer past its end is left for the caller to settle.
    func dashboardSnapshot(userID: Int64, session: Int64, tasks query: TaskQuery, from: LocalDate, to: LocalDate) async throws -> SessionRead<DashboardRead>? {
        try read { db in
            guard let signedIn = try Self.userInSession(db, id: userID, session: session, withRequests: true) else { return nil }
            let page = DashboardRead(tasks: try Self.taskPage(db, userID: userID, query), panels: try Self.readPanels(db, userID: userID, from: from, to: to))
            return SessionRead(user: signedIn.user, lastSeen: signedIn.lastSeen, incomingRequests: signedIn.incomingRequests, page: page)
        }
    }

    /// Four reads as one `UNION ALL`; each row's first column says which part it
    /// belongs to, the other columns are that part's, in order.
    static let panelsSQL = """
        SELECT 0, \(TimerRecord.columns), NULL FROM (\(TimerRecord.recentSQL))
        UNION ALL SELECT 1, \(StreakRecord.columns) FROM streaks WHERE user_id = ?1
        UNION ALL SELECT 2, day, seconds, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM daily_totals WHERE user_id = ?1 AND day BETWEEN ?2 AND ?3
        UNION ALL SELECT 3, id, title, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM (
            SELECT id, title FROM tasks WHERE user_id = ?1 AND status IN ('todo', 'in_progress') ORDER BY id DESC LIMIT 50)
        """

    private static func readPanels(_ db: Database, userID: Int64, from: LocalDate, to: LocalDate) throws -> ProgressSnapshot {
        var timers: [TimerRecord] = []
        var streak = StreakProjection.empty
        var totals: [LocalDate: Double] = [:]
        var openTasks: [(id: Int64, title: String)] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: panelsSQL), arguments: [userID, from.description, to.description])
        while let row = try rows.next() {
            switch row[0] as Int {
            case 0:
                timers.append(try TimerRecord(row: row, from: 1))
            case 1:
                streak = StreakRecord.projection(row, from: 1)
            case 2:
                if let day = row.storedDay(1) { totals[day, default: 0] += row[2] as Double }
            default:
                openTasks.append((row[1], row[2]))
            }
        }
        timers.sort { ($0.id ?? 0) > ($1.id ?? 0) }
        openTasks.sort { $0.id > $1.id }
        return ProgressSnapshot(
            live: timers.first { $0.status.isLive }, finished: timers.filter { !$0.status.isLive }, streak: streak, totals: totals,
            openTasks: openTasks)
    }
}

extension AppDatabase {
    /// The user's most recent timer, whatever its state.
    func lastTimer(userID: Int64) async throws -> TimerRecord? {
        try read { db in
            try TimerRecord.fetchOne(db.cachedStatement(sql: TimerRecord.latestSQL), arguments: [userID])
        }
    }
}
