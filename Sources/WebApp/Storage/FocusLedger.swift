import Domain
import Foundation
import GRDB

/// Recording focus inside a use case's transaction: the session row, its seconds on
/// each local day (split at the user's day start, by the rules each day had), the
/// task's totals, XP facts, and the streak projection recomputed (``StreakLedger``).
enum FocusLedger {
    /// Inserts the session and everything that follows from it; returns the XP earned.
    @discardableResult
    static func record(_ db: Database, _ session: inout FocusSessionRecord, qualifySeconds: Double) throws -> Int {
        let rules = try StreakLedger.dayRules(db, userID: session.userId)
        let earned = try recordWithoutStreak(db, &session, rules: rules, announce: true)
        return earned + (try StreakLedger.recompute(db, userID: session.userId, qualifySeconds: qualifySeconds, rules: rules, at: session.createdAt))
    }

    /// Everything of ``record(_:_:qualifySeconds:)`` but the streak, for a caller that
    /// records many sessions and recomputes the streak once after them (an import).
    /// `announce`: tell the user's webhooks (`session.recorded`, `level.up`); an import,
    /// which is not live activity, does not.
    static func recordWithoutStreak(_ db: Database, _ session: inout FocusSessionRecord, rules: DayRuleHistory, announce: Bool) throws -> Int {
        try session.insert(db)
        LiveChangeLog.note(db, userID: session.userId, .progress)
        if announce { try WebhookOutbox.emit(db, userID: session.userId, event: .sessionRecorded, data: WebhookOutbox.json(SessionJSON(session)), at: session.createdAt) }
        try addToDailyTotals(db, session, rules: rules)
        if let taskID = session.taskId {
            LiveChangeLog.note(db, userID: session.userId, .tasks, taskIDs: [taskID])
            try db.execute(
                sql: "UPDATE tasks SET focus_seconds = focus_seconds + ?, pomodoros = pomodoros + ? WHERE id = ? AND user_id = ?",
                arguments: [Int(session.seconds.rounded(.down)), session.fullPomodoro ? 1 : 0, taskID, session.userId])
        }
        return try XPLedger.award(
            db, userID: session.userId, amount: session.xp, reason: "focus_session", reference: "session:\(session.sessionId)", at: session.createdAt,
            announce: announce)
    }

    /// Adds the session's seconds to its local days (only days from `from` on when given).
    static func addToDailyTotals(_ db: Database, _ session: FocusSessionRecord, rules: DayRuleHistory, from: LocalDate? = nil) throws {
        for piece in rules.split(start: session.startTime, end: session.endTime, in: session.zone) where from.map({ piece.day >= $0 }) ?? true {
            try db.execute(
                sql: """
                    INSERT INTO daily_totals (user_id, day, seconds) VALUES (?, ?, ?)
                    ON CONFLICT (user_id, day) DO UPDATE SET seconds = seconds + excluded.seconds
                    """,
                arguments: [session.userId, piece.day.description, piece.seconds])
        }
    }
}
