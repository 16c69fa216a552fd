import Domain
import Foundation
import PostgresNIO

/// Focus use cases on PostgreSQL (``FocusStorage``, ``ProfileStorage``). Each write holds
/// its user's row first (``PostgresLedgers/lockUser(_:_:)``): one user's timer actions,
/// sessions, breaks and day-rule changes take turns across instances, so the streak is
/// always walked from every committed fact and a replayed session finds the first. The
/// unique index on live timers backs "one live timer" as well.
extension PostgresStore: FocusStorage, ProfileStorage {
    private static let timerColumns = TimerRecord.columns
    private static let recentTimers = "SELECT \(TimerRecord.columns) FROM timers WHERE user_id = $1 ORDER BY id DESC LIMIT \(TimerRecord.recentCount)"

    func timerState(userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> (live: TimerRecord?, recent: [TimerRecord]) {
        let (recent, _) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: { $0.first { $0.status.isLive } }) {
            connection in try await Self.recentTimers(connection, userID: userID, logger: logger)
        }
        return (recent.first(where: { $0.status.isLive }), recent.filter { !$0.status.isLive })
    }

    /// Reads (one statement: its own snapshot); when the live timer read has run past its
    /// planned end, completes it (one write, once per timer) and reads again.
    private func readSettlingTimer<T: Sendable>(
        userID: Int64, timezone: String, qualifySeconds: Double, now: Date, live: (T) -> TimerRecord?, _ work: (PostgresConnection) async throws -> T
    ) async throws -> (T, settled: TimerRecord?) {
        let result = try await read(work)
        guard let timer = live(result), timer.timer.settled(at: now).status != timer.status else { return (result, nil) }
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            _ = try await Self.settleLiveTimer(tx, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
        }
        return (try await read(work), timer.with(timer.timer.settled(at: now)))
    }

    func startTimer(userID: Int64, kind: TimerKind, plannedSeconds: Int, taskID: Int64?, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            if try await Self.settleLiveTimer(tx, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now) != nil {
                throw FocusConflict.timerAlreadyRunning
            }
            if let taskID { try await Self.requireOpenTask(tx, taskID: taskID, userID: userID) }
            var record = TimerRecord(userID: userID, FocusTimer(kind: kind, plannedSeconds: plannedSeconds, taskID: taskID, startedAt: now))
            record.id = try await tx.one(
                """
                INSERT INTO timers (user_id, kind, status, task_id, planned_seconds, started_at, paused_at, paused_seconds, ended_at)
                VALUES (\(userID), \(record.kind.rawValue), \(record.status.rawValue), \(record.taskId), \(record.plannedSeconds), \(record.startedAt),
                    \(record.pausedAt), \(record.pausedSeconds), \(record.endedAt))
                RETURNING id
                """
            ).decode(Int64.self)
            tx.note(userID: userID, .timer)
            return record
        }
    }

    func applyTimerAction(_ action: TimerAction, userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            guard let live = try await Self.settleLiveTimer(tx, userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now) else {
                throw TimerError.noActiveTimer
            }
            let next: FocusTimer =
                switch action {
                case .pause: try live.timer.pausing(at: now)
                case .resume: try live.timer.resuming(at: now)
                case .complete: try live.timer.completing(at: now)
                case .cancel: try live.timer.cancelling(at: now)
                }
            let updated = live.with(next)
            try await Self.update(tx, updated)
            if next.status == .completed {
                try await Self.recordTimerSession(tx, updated, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
            }
            return updated
        }
    }

    func acceptSession(userID: Int64, _ submission: SessionSubmission, qualifySeconds: Double, now: Date) async throws -> SessionOutcome {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            var session = FocusSessionRecord(
                userId: userID, sessionId: submission.sessionID, startTime: submission.start, endTime: submission.end,
                timezone: submission.timezone, taskId: submission.taskID, fullPomodoro: false, createdAt: now)
            if let row = try await tx.first(
                "SELECT \(unescaped: FocusSessionRecord.postgresColumns) FROM focus_sessions WHERE user_id = \(userID) AND session_id = \(submission.sessionID)")
            {
                let stored = try FocusSessionRecord(postgres: row)
                guard stored.hasSameContent(as: session) else { throw FocusConflict.sessionIDReused }
                return .replayed(stored)
            }
            if let taskID = submission.taskID { try await Self.requireOpenTask(tx, taskID: taskID, userID: userID) }
            try await PostgresStreakLedger.record(tx, &session, qualifySeconds: qualifySeconds)
            return .created(session)
        }
    }

    func sessions(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [FocusSessionRecord] {
        let earliest = from.start(in: .gmt).addingTimeInterval(-2 * 86_400)
        let latest = to.adding(days: 1).start(in: .gmt).addingTimeInterval(86_400)
        let (candidates, rules) = try await snapshot { connection in
            (
                try await connection.all(
                    """
                    SELECT \(unescaped: FocusSessionRecord.postgresColumns) FROM focus_sessions
                    WHERE user_id = \(userID) AND start_time >= \(earliest) AND start_time < \(latest) ORDER BY start_time, id
                    """, logger: logger
                ).map(FocusSessionRecord.init(postgres:)),
                try await PostgresStreakLedger.dayRules(connection, userID: userID, logger: logger)
            )
        }
        return candidates.filter { session in
            rules.split(start: session.startTime, end: session.endTime, in: session.zone).contains { $0.day >= from && $0.day <= to }
        }
    }

    func streak(userID: Int64, day: LocalDate) async throws -> (StreakProjection, seconds: Double) {
        try await snapshot { connection in
            let seconds = try await connection.first(
                "SELECT seconds FROM daily_totals WHERE user_id = \(userID) AND day = \(day.description)::date", logger: logger)?.decode(Double.self)
            return (try await PostgresStreakLedger.storedStreak(connection, userID: userID, logger: logger), seconds ?? 0)
        }
    }

    func dailyTotals(userID: Int64, from: LocalDate, to: LocalDate) async throws -> [LocalDate: Double] {
        try await read { connection in
            try PostgresStreakLedger.totals(
                try await connection.all(
                    "SELECT day::text, seconds FROM daily_totals WHERE user_id = \(userID) AND day BETWEEN \(from.description)::date AND \(to.description)::date",
                    logger: logger))
        }
    }

    func progressSnapshot(userID: Int64, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date) async throws -> ProgressSnapshot {
        var (panels, settled) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: \.live) { connection in
            try await PostgresDashboardRows.read(PanelsStatement(userID: userID, from: from, to: to), on: connection, logger: logger).panels
        }
        panels.settledNow = settled
        return panels
    }

    func dashboardSnapshot(
        userID: Int64, tasks query: TaskQuery, timezone: String, qualifySeconds: Double, from: LocalDate, to: LocalDate, now: Date
    ) async throws -> (tasks: TaskPage, panels: ProgressSnapshot) {
        let panels = PanelsStatement(userID: userID, from: from, to: to)
        var (read, settled) = try await readSettlingTimer(userID: userID, timezone: timezone, qualifySeconds: qualifySeconds, now: now, live: \.panels.live) {
            connection in
            let rows = try await Self.dashboardRows(panels, query, on: connection, logger: logger)
            return (tasks: TaskPage(rows.tasks, limit: query.limit), panels: rows.panels)
        }
        read.panels.settledNow = settled
        return read
    }

    /// The dashboard's rows in the statement for `query`'s filters: a status tab's own, or
    /// the one with every optional filter.
    private static func dashboardRows(_ panels: PanelsStatement, _ query: TaskQuery, on connection: PostgresConnection, logger: Logger) async throws
        -> PostgresDashboardRows.Rows
    {
        if let status = query.statusAlone {
            return try await PostgresDashboardRows.read(StatusDashboardStatement(panels: panels, status: status, query: query), on: connection, logger: logger)
        }
        return try await PostgresDashboardRows.read(DashboardStatement(panels: panels, query: query), on: connection, logger: logger)
    }

    func dashboardSnapshot(userID: Int64, session: Int64, tasks query: TaskQuery, from: LocalDate, to: LocalDate) async throws -> SessionRead<DashboardRead>? {
        let panels = PanelsStatement(userID: userID, from: from, to: to)
        let signedIn: (user: UserRecord, lastSeen: Date, incomingRequests: Int)?
        let rows: PostgresDashboardRows.Rows
        if query.isPlain {
            rows = try await read { connection in
                try await PostgresDashboardRows.read(SignedInDashboardStatement(panels: panels, page: query, session: session), on: connection, logger: logger)
            }
            signedIn = rows.signedIn
        } else {
            // A filtered page reads its user apart (`SignedInReads` folds plain pages only).
            guard let found = try await userWithIncomingRequests(id: userID, session: session) else { return nil }
            signedIn = (found.0, found.lastSeen, found.incomingRequests)
            rows = try await read { connection in try await Self.dashboardRows(panels, query, on: connection, logger: logger) }
        }
        guard let signedIn else { return nil }
        return SessionRead(
            user: signedIn.user, lastSeen: signedIn.lastSeen, incomingRequests: signedIn.incomingRequests,
            page: DashboardRead(tasks: TaskPage(rows.tasks, limit: query.limit), panels: rows.panels))
    }

    func lastTimer(userID: Int64) async throws -> TimerRecord? {
        try await read { connection in
            try await connection.first("SELECT \(unescaped: Self.timerColumns) FROM timers WHERE user_id = \(userID) ORDER BY id DESC LIMIT 1", logger: logger)
                .map(TimerRecord.init(postgres:))
        }
    }

    func planBreak(userID: Int64, from: LocalDate?, to: LocalDate?, note: String?, qualifySeconds: Double, now: Date) async throws -> BreakRecord {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            guard let user = try await Self.user(tx, userID) else { throw BreakConflict.notFound }
            let others = try await PostgresStreakLedger.breaks(tx.connection, userID: userID, logger: logger).compactMap(\.days)
            let days = try BreakRules.validate(from: from, to: to, note: note, today: user.today(at: now), others: others)
            var record = BreakRecord(
                userId: userID, firstDay: days.lowerBound.description, lastDay: days.upperBound.description,
                note: note.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 }, createdAt: now)
            record.id = try await tx.one(
                """
                INSERT INTO breaks (user_id, first_day, last_day, note, created_at)
                VALUES (\(userID), \(record.firstDay)::date, \(record.lastDay)::date, \(record.note), \(now)) RETURNING id
                """
            ).decode(Int64.self)
            try await PostgresStreakLedger.recompute(tx, userID: userID, qualifySeconds: qualifySeconds, at: now)
            return record
        }
    }

    func cancelBreak(userID: Int64, id: Int64, qualifySeconds: Double, now: Date) async throws {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            guard let user = try await Self.user(tx, userID),
                let row = try await tx.first("SELECT \(unescaped: BreakRecord.postgresColumns) FROM breaks WHERE id = \(id) AND user_id = \(userID)")
            else { throw BreakConflict.notFound }
            guard let days = try BreakRecord(postgres: row).days, days.lowerBound > user.today(at: now) else { throw BreakConflict.started }
            try await tx.execute("DELETE FROM breaks WHERE id = \(id)")
            try await PostgresStreakLedger.recompute(tx, userID: userID, qualifySeconds: qualifySeconds, at: now)
        }
    }

    func breaks(userID: Int64) async throws -> [BreakRecord] {
        try await read { connection in try await PostgresStreakLedger.breaks(connection, userID: userID, logger: logger) }
    }

    func fullStreak(userID: Int64, qualifySeconds: Double) async throws -> (projection: StreakProjection, totals: [LocalDate: Double]) {
        try await snapshot { connection in
            let totals = try await PostgresStreakLedger.totals(connection, userID: userID, logger: logger)
            let rules = try await PostgresStreakLedger.dayRules(connection, userID: userID, logger: logger)
            let projection = try await PostgresStreakLedger.walk(
                connection, userID: userID, qualifySeconds: qualifySeconds, rules: rules, totals: totals, keepStates: .max, logger: logger)
            return (projection, totals)
        }
    }

    @discardableResult
    func rewalkStaleStreaks(qualifySeconds: Double, now: Date) async throws -> Int {
        var walked = 0
        while true {
            let batch = try await write { tx in
                let users = try await tx.all("SELECT user_id FROM streaks WHERE stale LIMIT 500 FOR UPDATE SKIP LOCKED").map { try $0.decode(Int64.self) }
                for user in users { try await PostgresStreakLedger.recompute(tx, userID: user, qualifySeconds: qualifySeconds, at: now) }
                return users.count
            }
            walked += batch
            if batch == 0 { return walked }
        }
    }

    func updateProfile(userID: Int64, timezone: String, settings: TimerSettings, dayRules: DayRules, qualifySeconds: Double, now: Date) async throws -> UserRecord? {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            try await tx.execute(
                """
                UPDATE users SET timezone = \(timezone), focus_minutes = \(settings.focusMinutes), short_break_minutes = \(settings.shortBreakMinutes),
                    long_break_minutes = \(settings.longBreakMinutes), long_break_every = \(settings.longBreakEvery) WHERE id = \(userID)
                """)
            guard let user = try await Self.user(tx, userID) else { return nil }
            try await PostgresStreakLedger.changeDayRules(tx, user: user, to: dayRules, qualifySeconds: qualifySeconds, now: now)
            return try await Self.user(tx, userID)
        }
    }

    // MARK: Inside a transaction

    private static func user(_ tx: PostgresTransaction, _ userID: Int64) async throws -> UserRecord? {
        try await tx.first("SELECT \(unescaped: UserRecord.postgresColumns(of: "users")) FROM users WHERE id = \(userID)").map(UserRecord.init(postgres:))
    }

    /// The timer's new state, announcing it (and any change noted before) in the same
    /// statement: for a pause, resume or cancel the use case's last.
    private static func update(_ tx: PostgresTransaction, _ record: TimerRecord) async throws {
        tx.note(userID: record.userId, .timer)
        try await tx.executeLast(
            """
            UPDATE timers SET status = \(record.status.rawValue), paused_at = \(record.pausedAt), paused_seconds = \(record.pausedSeconds),
                ended_at = \(record.endedAt) WHERE id = \(record.id ?? 0)
            """)
    }

    /// The live timer after lazy completion; nil when none is live.
    private static func settleLiveTimer(_ tx: PostgresTransaction, userID: Int64, timezone: String, qualifySeconds: Double, now: Date) async throws -> TimerRecord? {
        guard
            let row = try await tx.first(
                "SELECT \(unescaped: timerColumns) FROM timers WHERE user_id = \(userID) AND status IN ('running', 'paused')")
        else { return nil }
        let live = try TimerRecord(postgres: row)
        let settled = live.timer.settled(at: now)
        guard settled.status != live.status else { return live }
        let updated = live.with(settled)
        try await update(tx, updated)
        try await recordTimerSession(tx, updated, timezone: timezone, qualifySeconds: qualifySeconds, now: now)
        return nil
    }

    /// A completed timer is announced; a focus timer becomes a session of its focused time.
    private static func recordTimerSession(_ tx: PostgresTransaction, _ record: TimerRecord, timezone: String, qualifySeconds: Double, now: Date) async throws {
        try await PostgresLedgers.emit(tx, userID: record.userId, event: .timerCompleted, data: WebhookOutbox.json(TimerJSON(record, now: now)), at: now)
        guard var session = record.completedSession(timezone: timezone, now: now) else { return }
        try await PostgresStreakLedger.record(tx, &session, qualifySeconds: qualifySeconds)
    }

    private static func requireOpenTask(_ tx: PostgresTransaction, taskID: Int64, userID: Int64) async throws {
        let status = try await tx.first("SELECT status FROM tasks WHERE id = \(taskID) AND user_id = \(userID)")?.decode(String.self)
        guard let status, status != TaskStatus.done.rawValue else { throw FocusConflict.taskNotOpen }
    }

    // MARK: Reads

    private static func recentTimers(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> [TimerRecord] {
        var binds = PostgresBindings(capacity: 1)
        binds.append(userID)
        return try await connection.all(PostgresQuery(unsafeSQL: recentTimers, binds: binds), logger: logger).map(TimerRecord.init(postgres:))
    }
}
