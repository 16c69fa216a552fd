import Domain
import Foundation
import PostgresNIO

/// The admin overview and admin changes on PostgreSQL (``AdminStorage``), and the security
/// log's reads (``SecurityLogStorage``). The overview reads as SQLite's does (an index per
/// sort, never-active users last both ways, the last pages from the other end); a search
/// matches `lower(username)` with `LIKE`, which the `pg_trgm` index answers from three
/// characters on. Admin changes take turns site-wide (a transaction advisory lock): two
/// admins demoting each other at once on two instances cannot leave no admin.
extension PostgresStore: AdminStorage {
    /// "FQADMIN" as a number: the lock only admin changes take.
    static let adminLockKey: Int64 = 0x46_5141_444D_494E

    func adminPage(
        search: String, sort: AdminSort, descending: Bool, page: Int, perPage: Int, since7d: LocalDate, totalsSince activeSince: Date?,
        approximateUsers: Int?
    ) async throws -> (rows: [AdminUserRow], matching: Int, totals: AdminTotals?) {
        try await read { connection in
            let totals = try await activeSince.asyncMap { try await Self.siteTotals(connection, activeSince: $0, logger: logger) }
            let searching = !search.isEmpty
            let filter = searching ? #"WHERE lower(username) LIKE $4 ESCAPE '\'"# : ""
            let fromTheEnd = !searching && (page - 1) * perPage > (totals?.users ?? approximateUsers ?? 0) / 2
            let order = PostgresAdminOrder(sort: sort, descending: descending)
            var binds = PostgresBindings(capacity: 4)
            binds.append(since7d.description)
            binds.append(perPage)
            binds.append(page)
            if searching { binds.append(LikePattern.containing(search.lowercased())) }
            let count = searching ? "(SELECT count(*) FROM users \(filter))" : Self.userCount
            let sql = Self.rowsSQL(
                matching: count,
                from: """
                    SELECT users.*, \(sort.column) AS sort_key FROM users \(filter)
                    ORDER BY \(fromTheEnd ? order.reversed : order.forward)
                    \(fromTheEnd ? Self.pageFromTheEnd : "LIMIT $2 OFFSET ($3 - 1) * $2")
                    """,
                orderBy: order.outer)
            var rows: [AdminUserRow] = []
            var matchingOnPage: Int?
            for row in try await connection.all(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                var columns = PostgresColumns(row)
                rows.append(try Self.adminRow(&columns))
                matchingOnPage = try columns.next(Int.self)
            }
            // A page past the last one has no row to carry the count: counted apart.
            if let matchingOnPage { return (rows, matchingOnPage, totals) }
            let matching =
                searching
                ? try await connection.first("SELECT count(*) FROM users WHERE lower(username) LIKE \(LikePattern.containing(search.lowercased())) ESCAPE '\\'", logger: logger)
                : try await connection.first("SELECT users FROM user_count", logger: logger)
            return (rows, try matching?.decode(Int.self) ?? 0, totals)
        }
    }

    private static let userCount = "(SELECT users FROM user_count)"

    /// Page `$3` of `$2` rows, read in the reversed order: the rows that many from the end.
    private static let pageFromTheEnd = """
        LIMIT GREATEST(0, \(userCount) - ($3 - 1) * $2 - GREATEST(0, \(userCount) - $3 * $2))
        OFFSET GREATEST(0, \(userCount) - $3 * $2)
        """

    func moveFocus7dWindow(to since: LocalDate) async throws {
        try await write { tx in
            guard let current = try await tx.first("SELECT since::text FROM focus_7d_window FOR UPDATE")?.decode(String.self), current != since.description
            else { return }
            let (low, high) = current < since.description ? (current, since.description) : (since.description, current)
            try await tx.execute("UPDATE focus_7d_window SET since = \(since.description)::date")
            try await tx.execute(
                """
                UPDATE users SET focus_7d_seconds = COALESCE((SELECT sum(seconds) FROM daily_totals d WHERE d.user_id = users.id AND d.day >= \(since.description)::date), 0)
                WHERE id IN (SELECT user_id FROM daily_totals WHERE day >= \(low)::date AND day < \(high)::date)
                """)
        }
    }

    static func siteTotals(_ connection: PostgresConnection, activeSince: Date, logger: Logger) async throws -> AdminTotals {
        let row = try await connection.first(
            """
            SELECT count(*), count(*) FILTER (WHERE last_active_at >= \(activeSince)),
                COALESCE(sum(todo_count + in_progress_count + done_count), 0)::bigint, COALESCE(sum(focus_seconds_total), 0)::double precision
            FROM users
            """, logger: logger)
        let (users, active, tasks, focus) = try row?.decode((Int, Int, Int, Double).self) ?? (0, 0, 0, 0)
        return AdminTotals(users: users, active7d: active, tasks: tasks, focusSeconds: focus)
    }

    func adminUpdate(
        userID: Int64, by adminID: Int64, isAdmin: Bool?, disabled: Bool?, resetTwoFactor: Bool, logging event: SecurityEvent, now: Date
    ) async throws -> UserRecord? {
        try await write { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(\(Self.adminLockKey))")
            guard let row = try await tx.first("SELECT \(unescaped: UserRecord.postgresColumns(of: "users")) FROM users WHERE id = \(userID)") else { return nil }
            let user = try UserRecord(postgres: row)
            let demoting = isAdmin == false && user.isAdmin
            let disabling = disabled == true && !user.disabled
            if userID == adminID && (demoting || disabling) { throw AdminConflict.selfProtection }
            if user.isAdmin && (demoting || disabling) {
                let others = try await tx.one("SELECT count(*) FROM users WHERE is_admin AND NOT disabled AND id <> \(userID)").decode(Int.self)
                if others == 0 { throw AdminConflict.lastAdmin }
            }
            if disabling {
                try await tx.execute("DELETE FROM sign_in_sessions WHERE user_id = \(userID)")
                tx.note(userID: userID, .access)
                try await tx.execute("UPDATE refresh_tokens SET revoked_at = \(now) WHERE user_id = \(userID) AND revoked_at IS NULL")
            }
            if resetTwoFactor { try await Self.clearTwoFactor(tx, userID: userID) }
            let updated = try await tx.one(
                """
                UPDATE users SET is_admin = coalesce(\(isAdmin), is_admin), disabled = coalesce(\(disabled), disabled),
                    token_version = token_version + \(disabling ? 1 : 0)
                WHERE id = \(userID) RETURNING \(unescaped: UserRecord.postgresColumns(of: "users"))
                """)
            if isAdmin != nil || disabled != nil || resetTwoFactor { try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, event, at: now) }
            return try UserRecord(postgres: updated)
        }
    }

    func adminRow(userID: Int64, since7d: LocalDate) async throws -> AdminUserRow? {
        try await read { connection in
            var binds = PostgresBindings(capacity: 2)
            binds.append(since7d.description)
            binds.append(userID)
            let sql = Self.rowsSQL(matching: "1", from: "SELECT users.* FROM users WHERE id = $2", orderBy: "u.id")
            return try await connection.first(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).map { row in
                var columns = PostgresColumns(row)
                return try Self.adminRow(&columns)
            }
        }
    }

    /// The overview's columns for the users of `subquery` (as `u`), in `orderBy` order, with
    /// `matching` last; `$1` is the first day of the 7-day focus.
    private static func rowsSQL(matching: String, from subquery: String, orderBy: String) -> String {
        """
        SELECT \(UserRecord.postgresColumns(of: "u")),
            u.todo_count, u.in_progress_count, u.done_count,
            COALESCE((SELECT sum(d.seconds) FROM daily_totals d WHERE d.user_id = u.id AND d.day >= $1::date), 0),
            u.focus_seconds_total,
            \(StreakRecord.postgresColumns(of: "s")),
            (\(matching))::bigint
        FROM (\(subquery)) u LEFT JOIN streaks s ON s.user_id = u.id
        ORDER BY \(orderBy)
        """
    }

    private static func adminRow(_ columns: inout PostgresColumns) throws -> AdminUserRow {
        AdminUserRow(
            user: try UserRecord(&columns), todo: try columns.next(), inProgress: try columns.next(), done: try columns.next(),
            focusSeconds7d: try columns.next(), focusSecondsTotal: try columns.next(), streak: try StreakRecord.projection(&columns))
    }
}

/// The admin overview's order on PostgreSQL, said in full: never-active users last both
/// ways (PostgreSQL puts NULLs first in a descending order unless told), each way walking
/// an index (`users_by_last_active`, `users_by_last_active_desc`).
struct PostgresAdminOrder {
    let forward: String
    let reversed: String
    let outer: String

    init(sort: AdminSort, descending: Bool) {
        let direction = descending ? "DESC" : "ASC"
        let backwards = descending ? "ASC" : "DESC"
        let (last, first) = sort == .lastActive ? (" NULLS LAST", " NULLS FIRST") : ("", "")
        forward = "sort_key \(direction)\(last), id \(direction)"
        outer = "u.sort_key \(direction)\(last), u.id \(direction)"
        reversed = "sort_key \(backwards)\(first), id \(backwards)"
    }
}

extension PostgresStore: SecurityLogStorage {
    func securityLog(userID: Int64, limit: Int) async throws -> [SecurityLogEntry] {
        try await read { connection in
            try await connection.all("SELECT at, event, ip, detail FROM security_log WHERE user_id = \(userID) ORDER BY id DESC LIMIT \(limit)", logger: logger)
                .map { row in
                    let (at, event, ip, detail) = try row.decode((Date, String, String?, String?).self)
                    return SecurityLogEntry(at: at, event: event, ip: ip, detail: detail)
                }
        }
    }

    @discardableResult
    func pruneSecurityLog(before cutoff: Date) async throws -> Int {
        try await write { tx in try await tx.all("DELETE FROM security_log WHERE at < \(cutoff) RETURNING 1").count }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
