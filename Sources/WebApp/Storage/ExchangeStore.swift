import Domain
import Foundation
import GRDB

extension AppDatabase: ExchangeStorage {

    /// Up to a page of the user's tasks with an id above `after`, by id.
    func exportTasks(userID: Int64, after: Int64) throws -> [TaskRecord] {
        try read { db in
            try TaskRecord.fetchAll(
                db.cachedStatement(sql: "SELECT \(TaskRecord.columns) FROM tasks WHERE user_id = ? AND id > ? ORDER BY id LIMIT \(exportPageSize)"),
                arguments: [userID, after])
        }
    }

    /// Up to a page of the user's sessions with a row id above `after`, by id, each with
    /// its task's title (nil without a task).
    func exportSessions(userID: Int64, after: Int64, from: Date?, to: Date?) throws -> [(session: FocusSessionRecord, taskTitle: String?)] {
        try read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT s.*, t.title AS task_title FROM focus_sessions s LEFT JOIN tasks t ON t.id = s.task_id
                    WHERE s.user_id = ? AND s.id > ? AND s.start_time >= ? AND s.start_time < ? ORDER BY s.id LIMIT \(exportPageSize)
                    """),
                arguments: [userID, after, from ?? Date(timeIntervalSince1970: -1e10), to ?? Date(timeIntervalSince1970: 1e11)])
            return try rows.map { (try FocusSessionRecord(row: $0), $0["task_title"]) }
        }
    }

    /// The small parts of an export, read together.
    func exportAccount(userID: Int64) throws -> AccountExtras? {
        try read { db in
            guard let user = try UserRecord.find(db, id: userID) else { return nil }
            let kv = try Row.fetchAll(db, sql: "SELECT key, value FROM key_values WHERE user_id = ? ORDER BY key", arguments: [userID])
            let friends = try String.fetchAll(
                db,
                sql: """
                    SELECT u.username FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = ? ORDER BY u.username
                    """, arguments: [userID])
            return AccountExtras(
                user: user, history: try StreakLedger.dayRules(db, userID: userID), breaks: try StreakLedger.breaks(db, userID: userID),
                keyValues: kv.map { ($0[0], $0[1]) }, friends: friends)
        }
    }

    func dayRules(userID: Int64) async throws -> DayRuleHistory {
        try read { db in try StreakLedger.dayRules(db, userID: userID) }
    }
}
