import Domain
import Foundation
import GRDB

extension AppDatabase: CalendarFeedStorage {
    /// Stores the hash of a new token for the user (replacing any earlier one).
    func replaceCalendarFeed(userID: Int64, tokenHash: String, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
                    """, arguments: [userID, tokenHash, now])
        }
    }

    /// Revokes the user's feed; false when there was none.
    func deleteCalendarFeed(userID: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM calendar_feeds WHERE user_id = ?", arguments: [userID])
            return db.changesCount > 0
        }
    }

    /// When the user's feed was created; nil when there is none.
    func calendarFeedCreated(userID: Int64) throws -> Date? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT created_at FROM calendar_feeds WHERE user_id = ?", arguments: [userID])?.storedDate(0)
        }
    }

    /// What a feed lists: the sessions that started since `since` (with their task's
    /// title) and the breaks that have not ended before `today`; nil for an unknown token.
    func calendarFeed(tokenHash: String, since: Date) throws -> CalendarFeedContent? {
        try read { db in
            guard let user = try UserRecord.fetchOne(
                db, sql: "SELECT \(UserRecord.columns) FROM users WHERE id = (SELECT user_id FROM calendar_feeds WHERE token_hash = ?) AND disabled = 0",
                arguments: [tokenHash])
            else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, t.title AS task_title FROM focus_sessions s LEFT JOIN tasks t ON t.id = s.task_id
                    WHERE s.user_id = ? AND s.start_time >= ? ORDER BY s.start_time, s.id
                    """, arguments: [user.userID, since])
            return CalendarFeedContent(
                user: user, sessions: try rows.map { (try FocusSessionRecord(row: $0), $0["task_title"]) },
                breaks: try StreakLedger.breaks(db, userID: user.userID))
        }
    }
}

struct CalendarFeedContent: Sendable {
    let user: UserRecord
    let sessions: [(session: FocusSessionRecord, taskTitle: String?)]
    let breaks: [BreakRecord]
}
