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

    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Decoded by hand: every authenticated request loads its user.
    init(row: Row) throws {
        id = row["id"]
        username = row["username"]
        passwordHash = row["password_hash"]
        timezone = row["timezone"]
        isAdmin = row["is_admin"]
        disabled = row["disabled"]
        tokenVersion = row["token_version"]
        focusMinutes = row["focus_minutes"]
        shortBreakMinutes = row["short_break_minutes"]
        longBreakMinutes = row["long_break_minutes"]
        longBreakEvery = row["long_break_every"]
        xp = row["xp"]
        createdAt = row["created_at"]
        lastActiveAt = row["last_active_at"]
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

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
