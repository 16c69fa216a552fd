import Domain
import Foundation
import GRDB

/// A row of `users`.
struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "users"

    var id: Int64?
    var username: String
    var passwordHash: String
    var timezone: String
    var isAdmin: Bool
    var disabled: Bool
    var tokenVersion: Int
    var focusMinutes: Int
    var shortBreakMinutes: Int
    var longBreakMinutes: Int
    var longBreakEvery: Int
    var xp: Int
    var createdAt: Date
    var lastActiveAt: Date?
    /// The day rules as last set (what `GET /me` shows) and the local date they take
    /// effect (nil: never changed); before that date days started at
    /// `earlierDayStartsAt`. Enough to know "today" without reading the rules history.
    var dayStartsAt: Int
    var restDays: Int
    var dayRulesFrom: String?
    var earlierDayStartsAt: Int
    /// Whether sign-in asks for a second factor (SPEC §13); the secret lives apart.
    var twoFactor: Bool

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The record's columns (the table's counters are kept by triggers and never written
    /// from here); queries name them so rows decode by position.
    static let columns = """
        id, username, password_hash, timezone, is_admin, disabled, token_version, focus_minutes, short_break_minutes, long_break_minutes, \
        long_break_every, xp, created_at, last_active_at, day_starts_at, rest_days, day_rules_from, earlier_day_starts_at, two_factor
        """
    static let columnCount = columns.split(separator: ",").count

    /// ``columns`` qualified by a table name or alias.
    static func columns(of table: String) -> String {
        columns.split(separator: ", ").map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// Decoded by position: every authenticated request loads its user, and looking
    /// columns up by name costs more than the query.
    init(row: Row) throws {
        id = row[0]
        username = row[1]
        passwordHash = row[2]
        timezone = row[3]
        isAdmin = row[4]
        disabled = row[5]
        tokenVersion = row[6]
        focusMinutes = row[7]
        shortBreakMinutes = row[8]
        longBreakMinutes = row[9]
        longBreakEvery = row[10]
        xp = row[11]
        createdAt = row.storedDate(12) ?? .distantPast
        lastActiveAt = row.storedDate(13)
        dayStartsAt = row[14]
        restDays = row[15]
        dayRulesFrom = row[16]
        earlierDayStartsAt = row[17]
        twoFactor = row[18]
    }

    init(username: String, passwordHash: String, timezone: String, createdAt: Date, isAdmin: Bool = false) {
        self.username = username
        self.passwordHash = passwordHash
        self.timezone = timezone
        self.isAdmin = isAdmin
        self.disabled = false
        self.tokenVersion = 0
        let standard = TimerSettings.standard
        self.focusMinutes = standard.focusMinutes
        self.shortBreakMinutes = standard.shortBreakMinutes
        self.longBreakMinutes = standard.longBreakMinutes
        self.longBreakEvery = standard.longBreakEvery
        self.xp = 0
        self.createdAt = createdAt
        self.dayStartsAt = 0
        self.restDays = 0
        self.earlierDayStartsAt = 0
        self.twoFactor = false
    }

    var userID: Int64 { id ?? 0 }

    var timerSettings: TimerSettings {
        get { TimerSettings(focusMinutes: focusMinutes, shortBreakMinutes: shortBreakMinutes, longBreakMinutes: longBreakMinutes, longBreakEvery: longBreakEvery) }
        set {
            focusMinutes = newValue.focusMinutes
            shortBreakMinutes = newValue.shortBreakMinutes
            longBreakMinutes = newValue.longBreakMinutes
            longBreakEvery = newValue.longBreakEvery
        }
    }

    var level: Int { Level.forXP(xp) }

    var zone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }

    /// The rules as last set, shown at once even before they take effect.
    var dayRules: DayRules { DayRules(dayStartsAt: dayStartsAt, restDays: RestDays(mask: restDays)) }

    /// The day rules as far as finding today needs them: the current ones from their
    /// date on, the earlier day start before it.
    var recentDayRules: DayRuleHistory {
        guard let from = dayRulesFrom.flatMap(LocalDate.init) else { return DayRuleHistory([], before: dayRules) }
        return DayRuleHistory([DayRuleChange(from: from, rules: dayRules)], before: DayRules(dayStartsAt: earlierDayStartsAt, restDays: .none))
    }

    /// The user's local day at `now`: their time zone, split at their day start.
    func today(at now: Date) -> LocalDate {
        // Most people's days start at midnight: then today is the calendar date (every
        // page asks, so this skips building the rules).
        if dayStartsAt == 0, earlierDayStartsAt == 0 { return LocalDate(now, in: zone) }
        return recentDayRules.day(containing: now, in: zone)
    }

    private static let byID = "SELECT \(columns) FROM users WHERE id = ?"
    /// The user and the friend requests waiting for them from enabled accounts, in the one
    /// statement a signed-in page spends on its user (the navigation shows the count).
    private static let byIDWithRequests = """
        SELECT \(columns), (SELECT COUNT(*) FROM friend_requests r JOIN users s ON s.id = r.from_user_id
            WHERE r.to_user_id = users.id AND s.disabled = 0)
        FROM users WHERE id = ?
        """

    /// The user with this id and the number of friend requests waiting for them.
    static func findWithIncomingRequests(_ db: Database, id: Int64) throws -> (UserRecord, incomingRequests: Int)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: byIDWithRequests), arguments: [id]) else { return nil }
        return (try UserRecord(row: row), row[columnCount])
    }
    private static let byName = "SELECT \(columns) FROM users WHERE username = ? COLLATE NOCASE"

    /// The user with this id (a cached statement: every authenticated request runs it).
    static func find(_ db: Database, id: Int64) throws -> UserRecord? {
        try fetchOne(db.cachedStatement(sql: byID), arguments: [id])
    }

    /// The user with this name, ignoring case.
    static func find(_ db: Database, username: String) throws -> UserRecord? {
        try fetchOne(db.cachedStatement(sql: byName), arguments: [username])
    }
}

/// A row of `refresh_tokens`. Only the SHA-256 of the token is stored.
struct RefreshTokenRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "refresh_tokens"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var userId: Int64
    var family: String
    var tokenHash: String
    var createdAt: Date
    var expiresAt: Date
    var usedAt: Date?
    var revokedAt: Date?
    /// The sign-in session the family belongs to (nil only for tokens from before
    /// sessions were kept, which no longer rotate).
    var sessionId: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
