import Domain
import Foundation

/// Why an admin change was refused: nobody demotes or disables themselves, and the last
/// enabled admin keeps the role.
enum AdminConflict: Error { case selfProtection, lastAdmin }

/// The admin overview and admin changes (SPEC §5), one transaction each; its cost does not
/// grow with the site (every sort walks an index, a search reads a trigram index, the last
/// pages are read from the other end). SQLite: ``AppDatabase`` (`AdminStore.swift`);
/// PostgreSQL: ``PostgresStore`` (`PostgresAdminStore.swift`).
protocol AdminStorage: Sendable {
    /// The page of users; the site-wide totals only when `totalsSince` is given.
    /// `approximateUsers`: the user count of cached totals, when they are not read here
    /// (it only chooses the end to read from).
    func adminPage(
        search: String, sort: AdminSort, descending: Bool, page: Int, perPage: Int, since7d: LocalDate, totalsSince activeSince: Date?,
        approximateUsers: Int?
    ) async throws -> (rows: [AdminUserRow], matching: Int, totals: AdminTotals?)
    /// Moves the start of the stored "focus in 7 days" to `since`, either way.
    func moveFocus7dWindow(to since: LocalDate) async throws
    /// Changes a user's role or state, or resets their two-factor sign-in; disabling ends
    /// every session at once. Nil for an unknown user.
    func adminUpdate(
        userID: Int64, by adminID: Int64, isAdmin: Bool?, disabled: Bool?, resetTwoFactor: Bool, logging event: SecurityEvent, now: Date
    ) async throws -> UserRecord?
    /// One user's row, read by id, for swapping it in place after an admin's action.
    func adminRow(userID: Int64, since7d: LocalDate) async throws -> AdminUserRow?
}

/// The security log's reads and upkeep (SPEC §13); entries are written inside the
/// transaction of the event they record. SQLite: ``AppDatabase`` (`SecurityLog.swift`);
/// PostgreSQL: ``PostgresStore`` (`PostgresAdminStore.swift`).
protocol SecurityLogStorage: Sendable {
    /// The user's last entries, newest first.
    func securityLog(userID: Int64, limit: Int) async throws -> [SecurityLogEntry]
    /// Deletes entries older than `cutoff`; returns how many.
    @discardableResult
    func pruneSecurityLog(before cutoff: Date) async throws -> Int
}

extension SecurityLogStorage {
    func securityLog(userID: Int64) async throws -> [SecurityLogEntry] {
        try await securityLog(userID: userID, limit: SecurityLog.listed)
    }
}
