import Domain
import Foundation
import GRDB

/// One row of the admin overview.
struct AdminUserRow: Sendable {
    let user: UserRecord
    let todo: Int
    let inProgress: Int
    let done: Int
    let focusSeconds7d: Double
    let focusSecondsTotal: Double
    let streak: StreakProjection
}

struct AdminTotals: Sendable {
    let users: Int
    let active7d: Int
    let tasks: Int
    let focusSeconds: Double
}

enum AdminSort: String, CaseIterable, Sendable {
    case created, lastActive = "last_active", focus7d = "focus_7d", xp

    var column: String {
        switch self {
        case .created: "created_at"
        case .lastActive: "last_active_at"
        case .focus7d: "focus_7d"
        case .xp: "xp"
        }
    }
}

/// The admin overview in two statements whatever the page size or user count (the
/// signed-in admin's own row is the request's third), and admin changes as one
/// transaction each.
extension AppDatabase {
    /// The user record's columns of the page's subquery `u`.
    private static let adminUserColumns = UserRecord.columns(of: "u")

    enum AdminConflict: Error { case selfProtection, lastAdmin }

    /// The page of users; the site-wide totals only when `totalsSince` is given (the
    /// service caches them for a few seconds).
    func adminPage(search: String, sort: AdminSort, descending: Bool, page: Int, perPage: Int, since7d: LocalDate, totalsSince activeSince: Date?) async throws -> (rows: [AdminUserRow], matching: Int, totals: AdminTotals?) {
        try read { db in
            let pattern = LikePattern.containing(search)
            let direction = descending ? "DESC" : "ASC"
            let focus7d = "COALESCE((SELECT SUM(d.seconds) FROM daily_totals d WHERE d.user_id = users.id AND d.day >= ?), 0)"
            let sortKey = sort == .focus7d ? focus7d : sort.column
            let sortArguments: StatementArguments = sort == .focus7d ? [since7d.description] : []
            // Without a search every user matches, and the sort can walk an index
            // (created, last active, XP) instead of sorting all users. Only last active
            // can be empty; never-active users come last either way.
            let filter = search.isEmpty ? "" : "WHERE username LIKE ? ESCAPE '\\'"
            let filterArguments: StatementArguments = search.isEmpty ? [] : [pattern]
            let nulls = sort == .lastActive && !descending ? " NULLS LAST" : ""
            // The page is chosen first (only the sort key is computed for every user), then
            // the 7-day focus is summed for the rows shown; task counts and all-time focus
            // are the users' own counters (kept by triggers, see migration v5).
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: Self.rowsSQL(
                matching: "(SELECT COUNT(*) FROM users \(filter))",
                from: """
                    SELECT users.*, \(sortKey) AS sort_key FROM users
                    \(filter)
                    ORDER BY sort_key \(direction)\(nulls), id \(direction)
                    LIMIT ? OFFSET ?
                    """,
                orderBy: "u.sort_key \(direction)\(nulls), u.id \(direction)")),
                arguments: [since7d.description] + filterArguments + sortArguments + filterArguments + [perPage, (page - 1) * perPage])
            // Decoded while the statement steps: GRDB reads its rows in place then.
            var items: [AdminUserRow] = []
            var matchingOnPage: Int?
            while let row = try cursor.next() {
                items.append(try Self.adminRow(row))
                matchingOnPage = row[Self.matchingColumn]
            }
            let totals = try activeSince.map { since in try Self.siteTotals(db, activeSince: since) }
            let matching = try matchingOnPage ?? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users \(filter)", arguments: filterArguments) ?? 0
            return (items, matching, totals)
        }
    }

    /// Users, users active since `activeSince`, tasks and all-time focus, site-wide (one
    /// pass over `users`, whose counters the triggers of migration v5 keep).
    func siteTotals(activeSince: Date) throws -> AdminTotals {
        try read { db in try Self.siteTotals(db, activeSince: activeSince) }
    }

    private static func siteTotals(_ db: Database, activeSince: Date) throws -> AdminTotals {
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE last_active_at >= ?), SUM(todo_count + in_progress_count + done_count),
                COALESCE(SUM(focus_seconds_total), 0)
            FROM users
            """, arguments: [activeSince])
        return AdminTotals(users: row?[0] ?? 0, active7d: row?[1] ?? 0, tasks: row?[2] ?? 0, focusSeconds: row?[3] ?? 0)
    }

    /// Changes a user's role or state, or resets their two-factor sign-in. Nobody demotes
    /// or disables themselves, and the last enabled admin keeps the role. Disabling ends
    /// every session at once.
    func adminUpdate(
        userID: Int64, by adminID: Int64, isAdmin: Bool?, disabled: Bool?, resetTwoFactor: Bool, logging event: SecurityEvent, now: Date
    ) async throws -> UserRecord? {
        try await write { db in
            guard var user = try UserRecord.find(db, id: userID) else { return nil }
            let demoting = isAdmin == false && user.isAdmin
            let disabling = disabled == true && !user.disabled
            if userID == adminID && (demoting || disabling) { throw AdminConflict.selfProtection }
            if user.isAdmin && (demoting || disabling) {
                let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE is_admin = 1 AND disabled = 0 AND id != ?", arguments: [userID]) ?? 0
                if others == 0 { throw AdminConflict.lastAdmin }
            }
            if let isAdmin { user.isAdmin = isAdmin }
            if let disabled { user.disabled = disabled }
            if disabling {
                user.tokenVersion += 1
                try db.execute(sql: "DELETE FROM sign_in_sessions WHERE user_id = ?", arguments: [userID])
                LiveChangeLog.note(db, userID: userID, .access)
                try db.execute(sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [now, userID])
            }
            if resetTwoFactor {
                try Self.clearTwoFactor(db, userID: userID)
                user.twoFactor = false
            }
            try user.update(db)
            if isAdmin != nil || disabled != nil || resetTwoFactor { try SecurityLog.record(db, userID: userID, event, at: now) }
            return user
        }
    }

    /// One user's row, read by id, for swapping it in place after an admin's action.
    func adminRow(userID: Int64, since7d: LocalDate) async throws -> AdminUserRow? {
        try read { db in
            let statement = try db.cachedStatement(sql: Self.rowsSQL(matching: "1", from: "SELECT users.* FROM users WHERE id = ?", orderBy: "u.id"))
            return try Row.fetchOne(statement, arguments: [since7d.description, userID]).map(Self.adminRow)
        }
    }

    /// The overview's columns for the users of `subquery` (as `u`), in `orderBy` order,
    /// with `matching` last. Its first argument is the first day of the 7-day focus.
    private static func rowsSQL(matching: String, from subquery: String, orderBy: String) -> String {
        """
        SELECT \(adminUserColumns),
            u.todo_count, u.in_progress_count, u.done_count,
            COALESCE((SELECT SUM(d.seconds) FROM daily_totals d WHERE d.user_id = u.id AND d.day >= ?), 0),
            u.focus_seconds_total,
            \(StreakRecord.columns(of: "s")),
            \(matching)
        FROM (\(subquery)) u LEFT JOIN streaks s ON s.user_id = u.id
        ORDER BY \(orderBy)
        """
    }

    private static let matchingColumn = UserRecord.columnCount + 5 + StreakRecord.columnCount

    private static func adminRow(_ row: Row) throws -> AdminUserRow {
        let base = UserRecord.columnCount
        return AdminUserRow(
            user: try UserRecord(row: row), todo: row[base], inProgress: row[base + 1], done: row[base + 2],
            focusSeconds7d: row[base + 3], focusSecondsTotal: row[base + 4],
            streak: StreakRecord.projection(row, from: base + 5))
    }
}
