import Domain
import Foundation
import GRDB
import Hummingbird

/// A row of `sign_in_sessions`: one sign-in, page or API (SPEC §13).
struct SignInSessionRecord: Sendable, Equatable {
    let id: Int64
    let device: String
    let ip: String?
    let createdAt: Date
    let lastSeenAt: Date

    init(row: Row) {
        id = row[0]
        device = row[1]
        ip = row[2]
        createdAt = row.storedDate(3) ?? .distantPast
        lastSeenAt = row.storedDate(4) ?? .distantPast
    }
}

/// Where a sign-in came from, kept with its session.
struct SignInOrigin: Sendable {
    let device: String
    let ip: String
}

extension SignInOrigin {
    /// The device named by the request's User-Agent, from the client's address.
    init(_ request: Request, ip: String) {
        self.init(device: DeviceLabel.from(userAgent: request.headers[.userAgent]), ip: ip)
    }
}

/// Sessions: started at sign-in (an API client's with the first refresh token of its
/// family, in the same transaction), read with the user on every request, seen at most
/// once per few minutes, revoked by deleting the row — its refresh tokens go with it
/// (`ON DELETE CASCADE`) and its access tokens fail at their next request, which reads
/// the session with the user in one statement.
extension AppDatabase {
    func startSession(userID: Int64, origin: SignInOrigin, refresh: (hash: String, expires: Date)?, now: Date) async throws -> Int64 {
        try await write { db in try Self.startSession(db, userID: userID, origin: origin, refresh: refresh, now: now) }
    }

    static func startSession(_ db: Database, userID: Int64, origin: SignInOrigin, refresh: (hash: String, expires: Date)?, now: Date) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO sign_in_sessions (user_id, device, ip, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, origin.device, origin.ip, now, now])
        let session = db.lastInsertedRowID
        if let refresh {
            try db.execute(
                sql: "INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at, session_id) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [userID, String(session), refresh.hash, now, refresh.expires, session])
        }
        return session
    }

    /// The user of a live session with the session's last-seen time: one statement.
    func user(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date)? {
        try read { db in try Self.userInSession(db, id: id, session: session).map { ($0.user, $0.lastSeen) } }
    }

    /// For pages: the same, with the friend requests waiting for the user (navigation).
    func userWithIncomingRequests(id: Int64, session: Int64) async throws -> (UserRecord, lastSeen: Date, incomingRequests: Int)? {
        try read { db in try Self.userInSession(db, id: id, session: session, withRequests: true).map { ($0.user, $0.lastSeen, $0.incomingRequests) } }
    }

    /// The user of a live session, its last-seen time and, with `withRequests`, the friend
    /// requests waiting for the user (0 without): one statement in the caller's read.
    static func userInSession(_ db: Database, id: Int64, session: Int64, withRequests: Bool = false) throws -> (
        user: UserRecord, lastSeen: Date, incomingRequests: Int
    )? {
        let sql = withRequests ? userInSessionWithRequests : userInSession
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [session, id]) else { return nil }
        return (try UserRecord(row: row), row.storedDate(UserRecord.columnCount) ?? .distantPast, withRequests ? row[UserRecord.columnCount + 1] : 0)
    }

    private static let userInSession = """
        SELECT \(UserRecord.columns(of: "users")), s.last_seen_at FROM users
        JOIN sign_in_sessions s ON s.id = ? AND s.user_id = users.id WHERE users.id = ?
        """
    private static let userInSessionWithRequests = """
        SELECT \(UserRecord.columns(of: "users")), s.last_seen_at, (SELECT COUNT(*) FROM friend_requests r JOIN users f ON f.id = r.from_user_id
            WHERE r.to_user_id = users.id AND f.disabled = 0)
        FROM users JOIN sign_in_sessions s ON s.id = ? AND s.user_id = users.id WHERE users.id = ?
        """

    /// Notes the session (and by trigger its user) as seen now, unless it was within
    /// `interval`: one statement, a few times an hour at most per session.
    func touchSession(_ session: Int64, now: Date, interval: TimeInterval) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE sign_in_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                arguments: [now, session, now.addingTimeInterval(-interval)])
        }
    }

    /// The user's sessions, most recently seen first.
    func signInSessions(userID: Int64) throws -> [SignInSessionRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, device, ip, created_at, last_seen_at FROM sign_in_sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id DESC",
                arguments: [userID]
            ).map(SignInSessionRecord.init)
        }
    }

    /// Ends one of the user's sessions, logging it when `event` is given; false when the
    /// session is not the user's or already gone.
    func endSession(_ session: Int64, userID: Int64, logging event: SecurityEvent?, at now: Date) async throws -> Bool {
        try await write { db in
            guard let device = try String.fetchOne(db, sql: "DELETE FROM sign_in_sessions WHERE id = ? AND user_id = ? RETURNING device", arguments: [session, userID])
            else { return false }
            LiveChangeLog.note(db, userID: userID, .access)
            if let event { try SecurityLog.record(db, userID: userID, SecurityEvent(event.kind, ip: event.ip, detail: event.detail ?? device), at: now) }
            return true
        }
    }
}
