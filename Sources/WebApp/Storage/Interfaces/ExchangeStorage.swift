import Domain
import Foundation

/// The small parts of an account export, read together.
struct AccountExtras: Sendable {
    let user: UserRecord
    let history: DayRuleHistory
    let breaks: [BreakRecord]
    let keyValues: [(key: String, json: Data)]
    let friends: [String]
}

/// Data in and out (SPEC §10): exports read the long lists a page at a time by id
/// (keyset), so an export holds one page in memory however big the account; an import is
/// one transaction, all or nothing, and a dry run does all of it and rolls back. SQLite:
/// ``AppDatabase`` (`ExchangeStore.swift`, `ImportStore.swift`); PostgreSQL:
/// ``PostgresStore`` (`PostgresExchangeStore.swift`).
protocol ExchangeStorage: Sendable {
    /// Up to ``exportPageSize`` of the user's tasks with an id above `after`, by id.
    func exportTasks(userID: Int64, after: Int64) async throws -> [TaskRecord]
    /// Up to a page of the user's sessions with an id above `after` (and a start in the
    /// range when given), by id, each with its task's title.
    func exportSessions(userID: Int64, after: Int64, from: Date?, to: Date?) async throws -> [(session: FocusSessionRecord, taskTitle: String?)]
    func exportAccount(userID: Int64) async throws -> AccountExtras?
    /// The user's day-rules history.
    func dayRules(userID: Int64) async throws -> DayRuleHistory
    /// `progress` hears how far the sessions are, every thousand (for the operator CLI).
    func applyImport(
        _ plan: ImportPlan, userID: Int64, dryRun: Bool, qualifySeconds: Double, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) async throws -> ImportReport
}

let exportPageSize = 500

extension ExchangeStorage {
    func exportSessions(userID: Int64, after: Int64) async throws -> [(session: FocusSessionRecord, taskTitle: String?)] {
        try await exportSessions(userID: userID, after: after, from: nil, to: nil)
    }
}

/// Calendar feeds (SPEC §10): a user's one secret feed URL, stored as the hash of its
/// token. SQLite: ``AppDatabase`` (`CalendarFeedStore.swift`); PostgreSQL:
/// ``PostgresStore`` (`PostgresExchangeStore.swift`).
protocol CalendarFeedStorage: Sendable {
    /// Stores the hash of a new token for the user (replacing any earlier one).
    func replaceCalendarFeed(userID: Int64, tokenHash: String, now: Date) async throws
    /// Revokes the user's feed; false when there was none.
    func deleteCalendarFeed(userID: Int64) async throws -> Bool
    /// When the user's feed was created; nil when there is none.
    func calendarFeedCreated(userID: Int64) async throws -> Date?
    /// What a feed lists: the sessions that started since `since` (with their task's
    /// title) and the user's breaks; nil for an unknown token or a disabled account.
    func calendarFeed(tokenHash: String, since: Date) async throws -> CalendarFeedContent?
}

/// What `/ready` and `/metrics` ask of the database.
protocol HealthStorage: Sendable {
    /// Whether the database answers.
    func isReady() async -> Bool
    /// Users, users active since `activeSince`, tasks and all-time focus, site-wide.
    func siteTotals(activeSince: Date) async throws -> AdminTotals
}

extension AppDatabase: HealthStorage {}
