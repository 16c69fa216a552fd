import Domain
import Foundation
import PostgresNIO

/// The focus and streak writes inside a use case's transaction on PostgreSQL, as
/// ``FocusLedger``, ``StreakLedger`` and ``DayRulesStore`` make them on SQLite: the
/// session row, its seconds on each local day, the task's totals, XP facts, and the streak
/// projection recomputed from every fact after each write (so it equals a full
/// recomputation), milestones awarded once by number.
enum PostgresStreakLedger {
    static func dayRules(_ tx: PostgresTransaction, userID: Int64) async throws -> DayRuleHistory {
        try await dayRules(tx.connection, userID: userID, logger: tx.logger)
    }

    static func dayRules(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> DayRuleHistory {
        let rows = try await connection.all("SELECT effective_from::text, day_starts_at, rest_days FROM day_rules WHERE user_id = \(userID)", logger: logger)
        return DayRuleHistory(
            try rows.compactMap { row in
                var columns = PostgresColumns(row)
                guard let from = try columns.day() else { return nil }
                return DayRuleChange(from: from, rules: DayRules(dayStartsAt: try columns.next(), restDays: RestDays(mask: try columns.next())))
            })
    }

    static func breaks(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> [BreakRecord] {
        try await connection.all("SELECT \(unescaped: BreakRecord.postgresColumns) FROM breaks WHERE user_id = \(userID) ORDER BY first_day", logger: logger)
            .map(BreakRecord.init(postgres:))
    }

    /// Focus seconds on every local day of the user.
    static func totals(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> [LocalDate: Double] {
        try await totals(connection.all("SELECT day::text, seconds FROM daily_totals WHERE user_id = \(userID)", logger: logger))
    }

    static func totals(_ rows: [PostgresRow]) throws -> [LocalDate: Double] {
        var totals: [LocalDate: Double] = [:]
        for row in rows {
            var columns = PostgresColumns(row)
            if let day = try columns.day() { totals[day, default: 0] += try columns.next(Double.self) }
        }
        return totals
    }

    static func storedStreak(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> StreakProjection {
        guard let row = try await connection.first("SELECT \(unescaped: StreakRecord.postgresColumns(of: "s")) FROM streaks s WHERE user_id = \(userID)", logger: logger)
        else { return .empty }
        var columns = PostgresColumns(row)
        return try StreakRecord.projection(&columns)
    }

    /// The projection walked from every stored fact.
    static func walk(
        _ connection: PostgresConnection, userID: Int64, qualifySeconds: Double, rules: DayRuleHistory, totals: [LocalDate: Double]? = nil,
        keepStates: Int = StreakProjection.storedStates, logger: Logger
    ) async throws -> StreakProjection {
        let totals = if let totals { totals } else { try await Self.totals(connection, userID: userID, logger: logger) }
        let bridges = StreakBridges(history: rules, breaks: try await breaks(connection, userID: userID, logger: logger).compactMap(\.days))
        return StreakProjection(totals: totals, goalSeconds: qualifySeconds, bridges: bridges, keepStates: keepStates)
    }

    /// Recomputes and stores the projection; awards milestones beyond the stored count.
    /// Returns the XP awarded. `announce`: tell the user's webhooks of new milestones.
    @discardableResult
    static func recompute(_ tx: PostgresTransaction, userID: Int64, qualifySeconds: Double, rules: DayRuleHistory? = nil, at now: Date, announce: Bool = true) async throws -> Int {
        let previous = try await storedStreak(tx.connection, userID: userID, logger: tx.logger).walk.milestones
        let history = if let rules { rules } else { try await dayRules(tx, userID: userID) }
        let projection = try await walk(tx.connection, userID: userID, qualifySeconds: qualifySeconds, rules: history, logger: tx.logger)
        try await save(tx, StreakRecord(userID: userID, projection))
        tx.note(userID: userID, .progress)
        var earned = 0
        if projection.walk.milestones > previous {
            for milestone in (previous + 1)...projection.walk.milestones {
                earned += try await PostgresLedgers.awardXP(
                    tx, userID: userID, amount: FocusXP.perStreakMilestone, reason: "streak_milestone", reference: "milestone:\(milestone)", at: now, announce: announce)
                if announce {
                    let reached = max(StreakWalk.milestoneEvery, projection.walk.run / StreakWalk.milestoneEvery * StreakWalk.milestoneEvery)
                    try await PostgresLedgers.emit(
                        tx, userID: userID, event: .streakMilestone, data: #"{"current":\#(projection.walk.run),"milestone":\#(reached)}"#, at: now)
                }
            }
        }
        return earned
    }

    private static func save(_ tx: PostgresTransaction, _ record: StreakRecord) async throws {
        try await tx.execute(
            """
            INSERT INTO streaks (user_id, last_run_length, longest, qualified_days, last_qualified_date, milestones, freezes_held, freezes_used,
                first_day, anchor, recent_states, bridges, stale)
            VALUES (\(record.userId), \(record.lastRunLength), \(record.longest), \(record.qualifiedDays), \(record.lastQualifiedDate)::date,
                \(record.milestones), \(record.freezesHeld), \(record.freezesUsed), \(record.firstDay)::date, \(record.anchor)::date,
                \(record.recentStates), \(record.bridges), FALSE)
            ON CONFLICT (user_id) DO UPDATE SET last_run_length = excluded.last_run_length, longest = excluded.longest,
                qualified_days = excluded.qualified_days, last_qualified_date = excluded.last_qualified_date, milestones = excluded.milestones,
                freezes_held = excluded.freezes_held, freezes_used = excluded.freezes_used, first_day = excluded.first_day, anchor = excluded.anchor,
                recent_states = excluded.recent_states, bridges = excluded.bridges, stale = FALSE
            """)
    }

    /// Inserts the session and everything that follows from it; returns the XP earned.
    @discardableResult
    static func record(_ tx: PostgresTransaction, _ session: inout FocusSessionRecord, qualifySeconds: Double) async throws -> Int {
        let rules = try await dayRules(tx, userID: session.userId)
        let earned = try await recordWithoutStreak(tx, &session, rules: rules, announce: true)
        return earned + (try await recompute(tx, userID: session.userId, qualifySeconds: qualifySeconds, rules: rules, at: session.createdAt))
    }

    /// Everything of ``record(_:_:qualifySeconds:)`` but the streak (an import recomputes it once).
    static func recordWithoutStreak(_ tx: PostgresTransaction, _ session: inout FocusSessionRecord, rules: DayRuleHistory, announce: Bool) async throws -> Int {
        session.id = try await tx.one(
            """
            INSERT INTO focus_sessions (user_id, session_id, start_time, end_time, timezone, task_id, full_pomodoro, planned_seconds, created_at)
            VALUES (\(session.userId), \(session.sessionId), \(session.startTime), \(session.endTime), \(session.timezone), \(session.taskId),
                \(session.fullPomodoro), \(session.plannedSeconds), \(session.createdAt))
            RETURNING id
            """
        ).decode(Int64.self)
        tx.note(userID: session.userId, .progress)
        if announce {
            try await PostgresLedgers.emit(tx, userID: session.userId, event: .sessionRecorded, data: WebhookOutbox.json(SessionJSON(session)), at: session.createdAt)
        }
        try await addToDailyTotals(tx, session, rules: rules)
        if let taskID = session.taskId {
            tx.note(userID: session.userId, .tasks, taskIDs: [taskID])
            try await tx.execute(
                """
                UPDATE tasks SET focus_seconds = focus_seconds + \(Int(session.seconds.rounded(.down))), pomodoros = pomodoros + \(session.fullPomodoro ? 1 : 0)
                WHERE id = \(taskID) AND user_id = \(session.userId)
                """)
        }
        return try await PostgresLedgers.awardXP(
            tx, userID: session.userId, amount: session.xp, reason: "focus_session", reference: "session:\(session.sessionId)", at: session.createdAt,
            announce: announce)
    }

    /// Adds the session's seconds to its local days (only days from `from` on when given).
    static func addToDailyTotals(_ tx: PostgresTransaction, _ session: FocusSessionRecord, rules: DayRuleHistory, from: LocalDate? = nil) async throws {
        for piece in rules.split(start: session.startTime, end: session.endTime, in: session.zone) where from.map({ piece.day >= $0 }) ?? true {
            try await tx.execute(
                """
                INSERT INTO daily_totals (user_id, day, seconds) VALUES (\(session.userId), \(piece.day.description)::date, \(piece.seconds))
                ON CONFLICT (user_id, day) DO UPDATE SET seconds = daily_totals.seconds + excluded.seconds
                """)
        }
    }

    /// A change of day rules (SPEC §9), as ``DayRulesStore/change(_:userID:to:qualifySeconds:now:)``.
    static func changeDayRules(_ tx: PostgresTransaction, user: UserRecord, to rules: DayRules, qualifySeconds: Double, now: Date) async throws {
        guard rules != user.dayRules else { return }
        let userID = user.userID
        let today = user.today(at: now)
        let tomorrow = today.adding(days: 1)
        let before = try await dayRules(tx, userID: userID)
        try await tx.execute("DELETE FROM day_rules WHERE user_id = \(userID) AND effective_from >= \(tomorrow.description)::date")
        try await tx.execute(
            """
            INSERT INTO day_rules (user_id, effective_from, day_starts_at, rest_days, changed_at)
            VALUES (\(userID), \(tomorrow.description)::date, \(rules.dayStartsAt), \(rules.restDays.mask), \(now))
            """)
        try await tx.execute(
            """
            UPDATE users SET day_starts_at = \(rules.dayStartsAt), rest_days = \(rules.restDays.mask), day_rules_from = \(tomorrow.description)::date,
                earlier_day_starts_at = \(before.rules(on: today).dayStartsAt) WHERE id = \(userID)
            """)
        let after = DayRuleHistory(before.changes.filter { $0.from < tomorrow } + [DayRuleChange(from: tomorrow, rules: rules)])
        if after.rules(on: tomorrow).dayStartsAt != before.rules(on: tomorrow).dayStartsAt {
            try await tx.execute("DELETE FROM daily_totals WHERE user_id = \(userID) AND day >= \(today.description)::date")
            let sessions = try await tx.all(
                "SELECT \(unescaped: FocusSessionRecord.postgresColumns) FROM focus_sessions WHERE user_id = \(userID) AND start_time >= \(now.addingTimeInterval(-5 * 86_400))")
            for row in sessions { try await addToDailyTotals(tx, try FocusSessionRecord(postgres: row), rules: after, from: today) }
        }
        try await recompute(tx, userID: userID, qualifySeconds: qualifySeconds, rules: after, at: now)
    }
}
