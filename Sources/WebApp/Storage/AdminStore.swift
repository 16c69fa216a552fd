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
        case .focus7d: "focus_7d_seconds"
        case .xp: "xp"
        }
    }
}

/// The admin's search by part of a name, as a filter of `users` (its argument is `?4`):
/// a trigram match for three characters or more, else (the index cannot look up fewer)
/// a comparison with every name. Both find the names containing the text, ignoring case.
struct AdminSearch {
    let sql: String
    let arguments: StatementArguments

    var isEmpty: Bool { sql.isEmpty }

    init(_ search: String) {
        if search.isEmpty {
            sql = ""
            arguments = []
        } else if search.unicodeScalars.count >= 3 {
            sql = "WHERE id IN (SELECT rowid FROM users_search WHERE users_search MATCH ?4)"
            arguments = ["\"" + search.replacingOccurrences(of: "\"", with: "\"\"") + "\""]
        } else {
            sql = "WHERE username LIKE ?4 ESCAPE '\\'"
            arguments = [LikePattern.containing(search)]
        }
    }
}

/// The admin overview's order: the sort key, then the id, both one way. Only last active
/// can be empty; never-active users come last either way.
struct AdminOrder {
    let sql: String
    /// The same order backwards (a page read from the end).
    let reversed: String
    /// The order of the page's outer query (its rows are `u`).
    let outer: String

    init(sort: AdminSort, descending: Bool) {
        let direction = descending ? "DESC" : "ASC"
        let nulls = sort == .lastActive && !descending ? " NULLS LAST" : ""
        sql = "sort_key \(direction)\(nulls), id \(direction)"
        outer = "u.sort_key \(direction)\(nulls), u.id \(direction)"
        let backwards = descending ? "ASC" : "DESC"
        reversed = "sort_key \(backwards)\(nulls.isEmpty ? "" : " NULLS FIRST"), id \(backwards)"
    }
}

/// The admin overview in two statements whatever the page size or user count (the
/// signed-in admin's own row is the request's third), and admin changes as one
/// transaction each. (A day's first sort by 7-day focus writes once more first.)
extension AppDatabase: AdminStorage {
    /// The user record's columns of the page's subquery `u`.
    private static let adminUserColumns = UserRecord.columns(of: "u")

    /// The page of users; the site-wide totals only when `totalsSince` is given (the
    /// service caches them for a few seconds). `approximateUsers`: the user count of
    /// cached totals, when they are not read here (it only chooses the end to read from).
    ///
    /// What it costs does not grow with the site (issue 21): every sort walks an index
    /// (``AdminSort/column``); a search of three characters or more reads the trigram
    /// index `users_search` (shorter ones compare every name); without a search the page
    /// count is the kept `user_count`; and a page past the middle is read from the other
    /// end of the order, so the last pages cost what the first do.
    func adminPage(
        search: String, sort: AdminSort, descending: Bool, page: Int, perPage: Int, since7d: LocalDate, totalsSince activeSince: Date?,
        approximateUsers: Int?
    ) async throws -> (rows: [AdminUserRow], matching: Int, totals: AdminTotals?) {
        try read { db in
            let totals = try activeSince.map { since in try Self.siteTotals(db, activeSince: since) }
            let filter = AdminSearch(search)
            let fromTheEnd = filter.isEmpty && (page - 1) * perPage > (totals?.users ?? approximateUsers ?? 0) / 2
            let order = AdminOrder(sort: sort, descending: descending)
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: Self.rowsSQL(
                matching: filter.isEmpty ? Self.userCount : "(SELECT COUNT(*) FROM users \(filter.sql))",
                from: """
                    SELECT users.*, \(sort.column) AS sort_key FROM users
                    \(filter.sql)
                    ORDER BY \(fromTheEnd ? order.reversed : order.sql)
                    \(fromTheEnd ? Self.pageFromTheEnd : "LIMIT ?2 OFFSET (?3 - 1) * ?2")
                    """,
                orderBy: order.outer)),
                arguments: [since7d.description, perPage, page] + filter.arguments)
            // Decoded while the statement steps: GRDB reads its rows in place then.
            var items: [AdminUserRow] = []
            var matchingOnPage: Int?
            while let row = try cursor.next() {
                items.append(try Self.adminRow(row))
                matchingOnPage = row[Self.matchingColumn]
            }
            // A page past the last one has no row to carry the count: counted apart.
            let matching = try matchingOnPage
                ?? (filter.isEmpty
                    ? Int.fetchOne(db, sql: "SELECT users FROM user_count")
                    : Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users \(filter.sql)", arguments: [0, 0, 0] + filter.arguments)) ?? 0
            return (items, matching, totals)
        }
    }

    /// The number of users, kept by triggers (migration v17).
    private static let userCount = "(SELECT users FROM user_count)"

    /// Page `?3` of `?2` rows, read in the reversed order: the rows that many from the end
    /// (the count is exact here; only the choice of end used the totals' count).
    private static let pageFromTheEnd = """
        LIMIT max(0, \(userCount) - (?3 - 1) * ?2 - max(0, \(userCount) - ?3 * ?2))
        OFFSET max(0, \(userCount) - ?3 * ?2)
        """

    /// Moves the start of the stored "focus in 7 days" (`users.focus_7d_seconds`, kept by
    /// triggers) to `since`, either way: the users with daily totals between the old start
    /// and the new one are summed again. A day's first sort by it does this; the others find
    /// it done.
    func moveFocus7dWindow(to since: LocalDate) async throws {
        try await write { db in
            guard let current = try String.fetchOne(db, sql: "SELECT since FROM focus_7d_window"), current != since.description else { return }
            let (low, high) = current < since.description ? (current, since.description) : (since.description, current)
            try db.execute(sql: "UPDATE focus_7d_window SET since = ?", arguments: [since.description])
            try db.execute(
                sql: """
                    UPDATE users SET focus_7d_seconds = COALESCE((SELECT SUM(seconds) FROM daily_totals d WHERE d.user_id = users.id AND d.day >= ?1), 0)
                    WHERE id IN (SELECT user_id FROM daily_totals WHERE day >= ?2 AND day < ?3)
                    """,
                arguments: [since.description, low, high])
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
    /// with `matching` last. Its first argument, `?1`, is the first day of the 7-day focus.
    private static func rowsSQL(matching: String, from subquery: String, orderBy: String) -> String {
        """
        SELECT \(adminUserColumns),
            u.todo_count, u.in_progress_count, u.done_count,
            COALESCE((SELECT SUM(d.seconds) FROM daily_totals d WHERE d.user_id = u.id AND d.day >= ?1), 0),
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
