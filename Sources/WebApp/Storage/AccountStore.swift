import Domain
import Foundation
import GRDB

/// Account use cases, each one transaction.
extension AppDatabase: AccountStorage, ProfileStorage {
    func createUser(_ user: UserRecord) async throws -> UserRecord {
        do {
            return try await write { db in
                var user = user
                try user.insert(db)
                return user
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AccountConflict.usernameTaken
        }
    }

    func user(id: Int64) async throws -> UserRecord? {
        try read { db in try UserRecord.find(db, id: id) }
    }

    func userWithIncomingRequests(id: Int64) async throws -> (UserRecord, incomingRequests: Int)? {
        try read { db in try UserRecord.findWithIncomingRequests(db, id: id) }
    }

    func user(named username: String) async throws -> UserRecord? {
        try read { db in
            try UserRecord.find(db, username: username)
        }
    }

    func updatePasswordHash(userID: Int64, hash: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }

    /// Saves a changed profile (timezone, timer settings, day rules), one transaction; the
    /// new time zone applies at once, new day rules from the user's next day on.
    func updateProfile(userID: Int64, timezone: String, settings: TimerSettings, dayRules: DayRules, qualifySeconds: Double, now: Date) async throws -> UserRecord? {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE users SET timezone = ?, focus_minutes = ?, short_break_minutes = ?, long_break_minutes = ?,
                    long_break_every = ? WHERE id = ?
                    """,
                arguments: [timezone, settings.focusMinutes, settings.shortBreakMinutes, settings.longBreakMinutes, settings.longBreakEvery, userID])
            try DayRulesStore.change(db, userID: userID, to: dayRules, qualifySeconds: qualifySeconds, now: now)
            return try UserRecord.find(db, id: userID)
        }
    }

    /// Ends every session of a user: deletes the sessions, bumps the token version (access
    /// tokens) and revokes every refresh token. With `passwordHash` it also changes the password, atomically.
    /// `logging`: the security-log entry of the change, written with it.
    func endAllSessions(userID: Int64, newPasswordHash: String?, logging event: SecurityEvent?, at now: Date) async throws {
        try await write { db in
            if let event { try SecurityLog.record(db, userID: userID, event, at: now) }
            if let newPasswordHash {
                try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [newPasswordHash, userID])
            }
            try db.execute(sql: "UPDATE users SET token_version = token_version + 1 WHERE id = ?", arguments: [userID])
            try db.execute(sql: "DELETE FROM sign_in_sessions WHERE user_id = ?", arguments: [userID])
            LiveChangeLog.note(db, userID: userID, .access)
            try db.execute(sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [now, userID])
        }
    }

    /// Creates an admin, or promotes (and re-passwords) an existing user of that name.
    func upsertAdmin(username: String, passwordHash: String, at now: Date) async throws -> (UserRecord, created: Bool) {
        try await write { db in
            if var existing = try UserRecord.find(db, username: username) {
                existing.isAdmin = true
                existing.passwordHash = passwordHash
                existing.tokenVersion += 1
                try existing.update(db)
                LiveChangeLog.note(db, userID: existing.userID, .access)
                return (existing, false)
            }
            var user = UserRecord(username: username, passwordHash: passwordHash, timezone: "UTC", createdAt: now, isAdmin: true)
            try user.insert(db)
            return (user, true)
        }
    }
}

/// Refresh token use cases: rotate (detecting reuse) and revoke. A family is one API
/// sign-in session (``startSession(userID:origin:refresh:now:)`` issues its first token).
extension AppDatabase {
    /// Marks the presented token used and stores its successor in the same family, in one
    /// transaction, noting the session as seen. Presenting a used token ends the session
    /// (someone copied it): its refresh tokens and access tokens stop working.
    func rotateRefreshToken(presentedHash: String, successorHash: String, now: Date, expires: Date) async throws -> RefreshOutcome {
        try await write { db in
            guard var token = try RefreshTokenRecord.filter(Column("token_hash") == presentedHash).fetchOne(db), let session = token.sessionId else {
                return .invalid
            }
            if token.usedAt != nil {
                try db.execute(sql: "DELETE FROM sign_in_sessions WHERE id = ?", arguments: [session])
                LiveChangeLog.note(db, userID: token.userId, .access)
                return .reused
            }
            guard token.revokedAt == nil, token.expiresAt > now,
                let user = try UserRecord.find(db, id: token.userId), !user.disabled
            else { return .invalid }
            token.usedAt = now
            try token.update(db)
            var successor = RefreshTokenRecord(
                userId: token.userId, family: token.family, tokenHash: successorHash, createdAt: now, expiresAt: expires, sessionId: session)
            try successor.insert(db)
            try db.execute(sql: "UPDATE sign_in_sessions SET last_seen_at = ? WHERE id = ?", arguments: [now, session])
            return .rotated(user, session: session)
        }
    }

    /// Ends the session of the presented token (logout) and returns its owner.
    /// Unknown tokens, or another user's, change nothing.
    @discardableResult
    func endSession(refreshTokenHash: String, userID: Int64?, now: Date) async throws -> Int64? {
        try await write { db in
            guard let token = try RefreshTokenRecord.filter(Column("token_hash") == refreshTokenHash).fetchOne(db),
                userID == nil || token.userId == userID
            else { return nil }
            try db.execute(sql: "DELETE FROM sign_in_sessions WHERE id = ?", arguments: [token.sessionId])
            LiveChangeLog.note(db, userID: token.userId, .access)
            try db.execute(sql: "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL", arguments: [now, token.family])
            return token.userId
        }
    }
}
