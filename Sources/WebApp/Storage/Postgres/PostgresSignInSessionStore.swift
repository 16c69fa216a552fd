import Foundation
import PostgresNIO

/// Sign-in sessions on PostgreSQL (the session half of ``AccountStorage``). Every signed-in
/// request reads its user with its session: those two reads are named prepared statements.
extension PostgresStore {
    func startSession(userID: Int64, origin: SignInOrigin, refresh: (hash: String, expires: Date)?, now: Date) async throws -> Int64 {
        try await write { tx in
            let row = try await tx.one(
                "INSERT INTO sign_in_sessions (user_id, device, ip, created_at, last_seen_at) VALUES (\(userID), \(origin.device), \(origin.ip), \(now), \(now)) RETURNING id")
            let session = try row.decode(Int64.self)
            if let refresh {
                try await tx.execute(
                    """
                    INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at, session_id)
                    VALUES (\(userID), \(String(session)), \(refresh.hash), \(now), \(refresh.expires), \(session))
                    """)
            }
            return session
        }
    }

    func user(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date)? {
        try await read { connection in
            for try await row in try await connection.execute(UserInSession(session: session, user: id), logger: logger) {
                return (row.user, lastSeen: row.lastSeen)
            }
            return nil
        }
    }

    func userWithIncomingRequests(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date, incomingRequests: Int)? {
        try await read { connection in
            for try await row in try await connection.execute(UserInSessionWithRequests(session: session, user: id), logger: logger) {
                return (row.user, lastSeen: row.lastSeen, incomingRequests: row.incomingRequests)
            }
            return nil
        }
    }

    func touchSession(_ session: Int64, now: Date, interval: TimeInterval) async throws {
        try await write { tx in
            try await tx.execute(
                "UPDATE sign_in_sessions SET last_seen_at = \(now) WHERE id = \(session) AND last_seen_at < \(now.addingTimeInterval(-interval))")
        }
    }

    func signInSessions(userID: Int64) async throws -> [SignInSessionRecord] {
        try await read { connection in
            try await connection.all(
                "SELECT id, device, ip, created_at, last_seen_at FROM sign_in_sessions WHERE user_id = \(userID) ORDER BY last_seen_at DESC, id DESC",
                logger: logger
            ).map(SignInSessionRecord.init(postgres:))
        }
    }

    func endSession(_ session: Int64, userID: Int64, logging event: SecurityEvent?, at now: Date) async throws -> Bool {
        try await write { tx in
            guard let row = try await tx.first("DELETE FROM sign_in_sessions WHERE id = \(session) AND user_id = \(userID) RETURNING device") else {
                return false
            }
            let device = try row.decode(String.self)
            tx.note(userID: userID, .access)
            if let event {
                try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(event.kind, ip: event.ip, detail: event.detail ?? device), at: now)
            }
            return true
        }
    }
}

/// The user of a live session and the session's last-seen time (`$1` session, `$2` user).
struct UserInSession: SessionUserStatement {
    static let sql = """
        SELECT \(UserRecord.postgresColumns(of: "users")), s.last_seen_at FROM users
        JOIN sign_in_sessions s ON s.id = $1 AND s.user_id = users.id WHERE users.id = $2
        """

    let session: Int64
    let user: Int64

    func decodeRow(_ row: PostgresRow) throws -> (user: UserRecord, lastSeen: Date) {
        var columns = PostgresColumns(row)
        return (try UserRecord(&columns), try columns.next())
    }
}

/// For pages: the same, with the friend requests waiting for the user from enabled accounts.
struct UserInSessionWithRequests: SessionUserStatement {
    static let sql = "SELECT \(UserRecord.postgresColumns(of: "u")), u.last_seen_at, u.incoming FROM (\(select(session: "$1", user: "$2"))) u"

    /// The user's columns as stored, after the session's `last_seen_at` and before the
    /// friend requests waiting (`incoming`): a subquery, here and in the dashboard's statement.
    static func select(session: String, user: String) -> String {
        """
        SELECT s.last_seen_at, \(UserRecord.columns(of: "users")), (SELECT count(*) FROM friend_requests r JOIN users f ON f.id = r.from_user_id
            WHERE r.to_user_id = users.id AND NOT f.disabled) AS incoming
        FROM users JOIN sign_in_sessions s ON s.id = \(session) AND s.user_id = users.id WHERE users.id = \(user)
        """
    }

    let session: Int64
    let user: Int64

    func decodeRow(_ row: PostgresRow) throws -> (user: UserRecord, lastSeen: Date, incomingRequests: Int) {
        var columns = PostgresColumns(row)
        return (try UserRecord(&columns), try columns.next(), try columns.next())
    }
}

/// A read of the user of a sign-in session: $1 the session, $2 the user.
protocol SessionUserStatement: PostgresPreparedStatement {
    var session: Int64 { get }
    var user: Int64 { get }
}

extension SessionUserStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(session)
        bindings.append(user)
        return bindings
    }
}
