import Foundation
import GRDB

/// What the security log records (SPEC §13).
enum SecurityEventKind: String, Sendable, CaseIterable {
    case loginSucceeded = "login_succeeded"
    case loginFailed = "login_failed"
    case passwordChanged = "password_changed"
    case twoFactorEnabled = "2fa_enabled"
    case twoFactorDisabled = "2fa_disabled"
    case recoveryCodeUsed = "recovery_code_used"
    case tokenCreated = "token_created"
    case tokenRevoked = "token_revoked"
    case webhookCreated = "webhook_created"
    case webhookDeleted = "webhook_deleted"
    case sessionRevoked = "session_revoked"
    case adminChangedAccount = "admin_changed_account"
}

/// One event to record: its kind, the address the request came from, and a few words.
struct SecurityEvent: Sendable, Equatable {
    let kind: SecurityEventKind
    let ip: String?
    let detail: String?

    init(_ kind: SecurityEventKind, ip: String?, detail: String? = nil) {
        self.kind = kind
        self.ip = ip
        self.detail = detail
    }
}

/// A stored entry of a user's security log.
struct SecurityLogEntry: Sendable, Equatable {
    let at: Date
    let event: String
    let ip: String?
    let detail: String?
}

/// The security log: each entry written inside the transaction of the event it records.
enum SecurityLog {
    static let keptDays = 180
    static let listed = 100

    static func record(_ db: Database, userID: Int64, _ event: SecurityEvent, at now: Date) throws {
        try db.execute(
            sql: "INSERT INTO security_log (user_id, at, event, ip, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, now, event.kind.rawValue, event.ip, event.detail])
    }
}

extension AppDatabase: SecurityLogStorage {
    /// An event that is a write of its own (a sign-in, a failed one).
    func recordSecurityEvent(userID: Int64, _ event: SecurityEvent, at now: Date) async throws {
        try await write { db in try SecurityLog.record(db, userID: userID, event, at: now) }
    }

    /// The user's last entries, newest first.
    func securityLog(userID: Int64, limit: Int) throws -> [SecurityLogEntry] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT at, event, ip, detail FROM security_log WHERE user_id = ? ORDER BY id DESC LIMIT ?"),
                arguments: [userID, limit]
            ).map { SecurityLogEntry(at: $0.storedDate(0) ?? .distantPast, event: $0[1], ip: $0[2], detail: $0[3]) }
        }
    }

    /// Deletes entries older than `cutoff`; returns how many.
    @discardableResult
    func pruneSecurityLog(before cutoff: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM security_log WHERE at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
