import Domain
import Foundation

/// A username another account already has (whatever its case).
enum AccountConflict: Error { case usernameTaken }

/// What presenting a refresh token came to.
enum RefreshOutcome: Sendable {
    case rotated(UserRecord, session: Int64)
    /// The token was unknown, expired or revoked, its session ended, or its user is disabled.
    case invalid
    /// An already-rotated token came back: its whole session was ended.
    case reused
}

/// Account use cases (SPEC §4, §13), each one transaction: users, their sign-in sessions
/// and refresh tokens, and the security log's sign-in entries. SQLite: ``AppDatabase``
/// (`AccountStore.swift`, `SignInSessionStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresAccountStore.swift`).
protocol AccountStorage: Sendable {
    /// Throws ``AccountConflict/usernameTaken`` when the name is taken, whatever its case.
    func createUser(_ user: UserRecord) async throws -> UserRecord
    func user(id: Int64) async throws -> UserRecord?
    /// The user with this name, ignoring case.
    func user(named username: String) async throws -> UserRecord?
    func updatePasswordHash(userID: Int64, hash: String) async throws
    /// Ends every session of a user: deletes the sessions, bumps the token version (access
    /// tokens) and revokes every refresh token; with `newPasswordHash` it also changes the
    /// password, and with `event` logs the change, atomically.
    func endAllSessions(userID: Int64, newPasswordHash: String?, logging event: SecurityEvent?, at now: Date) async throws
    /// Creates an admin, or promotes (and re-passwords) an existing user of that name.
    func upsertAdmin(username: String, passwordHash: String, at now: Date) async throws -> (UserRecord, created: Bool)
    /// Marks the presented token used and stores its successor in the same family, noting
    /// the session as seen; a used token coming back ends its session.
    func rotateRefreshToken(presentedHash: String, successorHash: String, now: Date, expires: Date) async throws -> RefreshOutcome
    /// Ends the session of the presented refresh token (logout) and returns its owner;
    /// unknown tokens, or another user's, change nothing.
    @discardableResult
    func endSession(refreshTokenHash: String, userID: Int64?, now: Date) async throws -> Int64?

    /// Starts a sign-in session (an API client's with the first refresh token of its family).
    func startSession(userID: Int64, origin: SignInOrigin, refresh: (hash: String, expires: Date)?, now: Date) async throws -> Int64
    /// The user of a live session with the session's last-seen time: every signed-in request
    /// reads it, in one statement.
    func user(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date)?
    /// For pages: the same, with the friend requests waiting for the user (navigation).
    func userWithIncomingRequests(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date, incomingRequests: Int)?
    /// Notes the session (and its user) as seen now, unless it was within `interval`.
    func touchSession(_ session: Int64, now: Date, interval: TimeInterval) async throws
    /// The user's sessions, most recently seen first.
    func signInSessions(userID: Int64) async throws -> [SignInSessionRecord]
    /// Ends one of the user's sessions, logging it when `event` is given; false when the
    /// session is not the user's or already gone.
    func endSession(_ session: Int64, userID: Int64, logging event: SecurityEvent?, at now: Date) async throws -> Bool

    /// An event that is a write of its own (a sign-in, a failed one).
    func recordSecurityEvent(userID: Int64, _ event: SecurityEvent, at now: Date) async throws
}

extension AccountStorage {
    func endAllSessions(userID: Int64, at now: Date) async throws {
        try await endAllSessions(userID: userID, newPasswordHash: nil, logging: nil, at: now)
    }
}

/// Changing a user's profile: time zone, timer settings and day rules (SPEC §9). Day rules
/// re-split days and walk the streak again, so this use case lives with the focus records.
protocol ProfileStorage: Sendable {
    /// The new time zone applies at once, new day rules from the user's next day on.
    func updateProfile(userID: Int64, timezone: String, settings: TimerSettings, dayRules: DayRules, qualifySeconds: Double, now: Date) async throws -> UserRecord?
}
