import Domain
import Foundation
import PostgresNIO

/// Account use cases on PostgreSQL (``AccountStorage``): users, sign-in sessions, refresh
/// tokens, sign-in entries of the security log. Usernames compare by `lower()`, which the
/// unique index `users_by_name` enforces.
extension PostgresStore: AccountStorage {
    private static let userColumns = UserRecord.postgresColumns(of: "users")

    func createUser(_ user: UserRecord) async throws -> UserRecord {
        do {
            return try await write { tx in
                var user = user
                let row = try await tx.one(
                    """
                    INSERT INTO users (username, password_hash, timezone, is_admin, disabled, token_version, focus_minutes, short_break_minutes,
                        long_break_minutes, long_break_every, xp, created_at, day_starts_at, rest_days, earlier_day_starts_at, two_factor)
                    VALUES (\(user.username), \(user.passwordHash), \(user.timezone), \(user.isAdmin), \(user.disabled), \(user.tokenVersion),
                        \(user.focusMinutes), \(user.shortBreakMinutes), \(user.longBreakMinutes), \(user.longBreakEvery), \(user.xp),
                        \(user.createdAt), \(user.dayStartsAt), \(user.restDays), \(user.earlierDayStartsAt), \(user.twoFactor))
                    RETURNING id
                    """)
                user.id = try row.decode(Int64.self)
                return user
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw AccountConflict.usernameTaken
        }
    }

    func user(id: Int64) async throws -> UserRecord? {
        try await read { connection in
            try await connection.first("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(id)", logger: logger).map(UserRecord.init(postgres:))
        }
    }

    func user(named username: String) async throws -> UserRecord? {
        try await read { connection in
            try await connection.first("SELECT \(unescaped: Self.userColumns) FROM users WHERE lower(username) = lower(\(username))", logger: logger)
                .map(UserRecord.init(postgres:))
        }
    }

    func updatePasswordHash(userID: Int64, hash: String) async throws {
        try await write { tx in try await tx.execute("UPDATE users SET password_hash = \(hash) WHERE id = \(userID)") }
    }

    func endAllSessions(userID: Int64, newPasswordHash: String?, logging event: SecurityEvent?, at now: Date) async throws {
        try await write { tx in
            if let event { try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, event, at: now) }
            try await tx.execute(
                "UPDATE users SET password_hash = coalesce(\(newPasswordHash), password_hash), token_version = token_version + 1 WHERE id = \(userID)")
            try await tx.execute("DELETE FROM sign_in_sessions WHERE user_id = \(userID)")
            tx.note(userID: userID, .access)
            try await tx.execute("UPDATE refresh_tokens SET revoked_at = \(now) WHERE user_id = \(userID) AND revoked_at IS NULL")
        }
    }

    func upsertAdmin(username: String, passwordHash: String, at now: Date) async throws -> (UserRecord, created: Bool) {
        try await write { tx in
            let promoted = try await tx.first(
                """
                UPDATE users SET is_admin = TRUE, password_hash = \(passwordHash), token_version = token_version + 1
                WHERE lower(username) = lower(\(username)) RETURNING \(unescaped: Self.userColumns)
                """)
            if let promoted {
                let user = try UserRecord(postgres: promoted)
                tx.note(userID: user.userID, .access)
                return (user, false)
            }
            var user = UserRecord(username: username, passwordHash: passwordHash, timezone: "UTC", createdAt: now, isAdmin: true)
            let row = try await tx.one(
                "INSERT INTO users (username, password_hash, timezone, is_admin, created_at) VALUES (\(username), \(passwordHash), 'UTC', TRUE, \(now)) RETURNING id")
            user.id = try row.decode(Int64.self)
            return (user, true)
        }
    }

    func rotateRefreshToken(presentedHash: String, successorHash: String, now: Date, expires: Date) async throws -> RefreshOutcome {
        try await write { tx in
            // The token's row stays locked until the commit: two rotations of one token
            // at once (two instances) see it unused only once.
            guard
                let token = try await tx.first(
                    "SELECT user_id, family, session_id, used_at, revoked_at, expires_at FROM refresh_tokens WHERE token_hash = \(presentedHash) FOR UPDATE")
            else { return .invalid }
            var columns = PostgresColumns(token)
            let (userID, family, session, usedAt, revokedAt, expiresAt) =
                (try columns.next(Int64.self), try columns.next(String.self), try columns.next(Int64?.self), try columns.next(Date?.self),
                 try columns.next(Date?.self), try columns.next(Date.self))
            guard let session else { return .invalid }
            if usedAt != nil {
                try await tx.execute("DELETE FROM sign_in_sessions WHERE id = \(session)")
                tx.note(userID: userID, .access)
                return .reused
            }
            guard revokedAt == nil, expiresAt > now,
                let row = try await tx.first("SELECT \(unescaped: Self.userColumns) FROM users WHERE id = \(userID)"),
                case let user = try UserRecord(postgres: row), !user.disabled
            else { return .invalid }
            try await tx.execute("UPDATE refresh_tokens SET used_at = \(now) WHERE token_hash = \(presentedHash)")
            try await tx.execute(
                """
                INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at, session_id)
                VALUES (\(userID), \(family), \(successorHash), \(now), \(expires), \(session))
                """)
            try await tx.execute("UPDATE sign_in_sessions SET last_seen_at = \(now) WHERE id = \(session)")
            return .rotated(user, session: session)
        }
    }

    @discardableResult
    func endSession(refreshTokenHash: String, userID: Int64?, now: Date) async throws -> Int64? {
        try await write { tx in
            guard let token = try await tx.first("SELECT user_id, family, session_id FROM refresh_tokens WHERE token_hash = \(refreshTokenHash)") else {
                return nil
            }
            var columns = PostgresColumns(token)
            let (owner, family, session) = (try columns.next(Int64.self), try columns.next(String.self), try columns.next(Int64?.self))
            guard userID == nil || owner == userID else { return nil }
            try await tx.execute("DELETE FROM sign_in_sessions WHERE id = \(session)")
            tx.note(userID: owner, .access)
            try await tx.execute("UPDATE refresh_tokens SET revoked_at = \(now) WHERE family = \(family) AND revoked_at IS NULL")
            return owner
        }
    }

    func recordSecurityEvent(userID: Int64, _ event: SecurityEvent, at now: Date) async throws {
        try await write { tx in try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, event, at: now) }
    }
}
