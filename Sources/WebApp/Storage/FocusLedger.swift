import Domain
import Foundation
import GRDB

/// Recording focus inside a use case's transaction: the session row, its seconds on
/// each local day, the task's totals, XP facts, and the streak projection recomputed
/// from the daily totals, so it always equals a full recomputation.
enum FocusLedger {
    /// Inserts the session and everything that follows from it; returns the XP earned.
    @discardableResult
    static func record(_ db: Database, _ session: inout FocusSessionRecord, qualifySeconds: Double) throws -> Int {
        try session.insert(db)
        for piece in DaySplitter.split(start: session.startTime, end: session.endTime, in: session.zone) {
            try db.execute(
                sql: """
                    INSERT INTO daily_totals (user_id, day, seconds) VALUES (?, ?, ?)
                    ON CONFLICT (user_id, day) DO UPDATE SET seconds = seconds + excluded.seconds
                    """,
                arguments: [session.userId, piece.day.description, piece.seconds])
        }
        if let taskID = session.taskId {
            try db.execute(
                sql: "UPDATE tasks SET focus_seconds = focus_seconds + ?, pomodoros = pomodoros + ? WHERE id = ? AND user_id = ?",
                arguments: [Int(session.seconds.rounded(.down)), session.fullPomodoro ? 1 : 0, taskID, session.userId])
        }
        var earned = try XPLedger.award(db, userID: session.userId, amount: session.xp, reason: "focus_session", reference: "session:\(session.sessionId)", at: session.createdAt)
        let previous = try StreakRecord.fetchOne(db, key: session.userId)?.summary ?? .empty
        let summary = try recomputeStreak(db, userID: session.userId, qualifySeconds: qualifySeconds)
        if summary.milestones > previous.milestones {
            for milestone in (previous.milestones + 1)...summary.milestones {
                earned += try XPLedger.award(db, userID: session.userId, amount: FocusXP.perStreakMilestone, reason: "streak_milestone", reference: "milestone:\(milestone)", at: session.createdAt)
            }
        }
        return earned
    }

    /// Qualified days are days whose total reaches the goal.
    static func recomputeStreak(_ db: Database, userID: Int64, qualifySeconds: Double) throws -> StreakSummary {
        let days = try String.fetchAll(db, sql: "SELECT day FROM daily_totals WHERE user_id = ? AND seconds >= ?", arguments: [userID, qualifySeconds])
        let summary = StreakSummary(qualified: days.compactMap(LocalDate.init))
        try StreakRecord(userID: userID, summary).save(db)
        return summary
    }
}
