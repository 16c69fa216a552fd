import Foundation
import GRDB

/// A row of `access_tokens`: a personal access token, kept as the SHA-256 of its secret.
struct AccessTokenRecord: Sendable, Equatable, FetchableRecord {
    static let maxPerUser = 20
    static let columns = "id, user_id, name, scopes, created_at, expires_at, last_used_at"

    var id: Int64
    var userID: Int64
    var name: String
    var scopes: [AccessScope]
    var createdAt: Date
    var expiresAt: Date?
    var lastUsedAt: Date?

    init(row: Row) {
        self.init(row: row, from: 0)
    }

    init(row: Row, from base: Int) {
        id = row[base]
        userID = row[base + 1]
        name = row[base + 2]
        scopes = (row[base + 3] as String).split(separator: " ").compactMap { AccessScope(rawValue: String($0)) }
        createdAt = row.storedDate(base + 4) ?? .distantPast
        expiresAt = row.storedDate(base + 5)
        lastUsedAt = row.storedDate(base + 6)
    }
}

extension AppDatabase: AccessTokenStorage {
    func createAccessToken(
        userID: Int64, name: String, scopes: [AccessScope], tokenHash: String, expiresAt: Date?, logging event: SecurityEvent, now: Date
    ) async throws -> AccessTokenRecord {
        try await write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM access_tokens WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < AccessTokenRecord.maxPerUser else { throw AccessTokenConflict.tooMany }
            try db.execute(
                sql: "INSERT INTO access_tokens (user_id, name, scopes, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [userID, name, scopes.map(\.rawValue).joined(separator: " "), tokenHash, now, expiresAt])
            let id = db.lastInsertedRowID
            try SecurityLog.record(db, userID: userID, event, at: now)
            return AccessTokenRecord(id: id, userID: userID, name: name, scopes: scopes, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil)
        }
    }

    func accessTokens(userID: Int64) throws -> [AccessTokenRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(AccessTokenRecord.columns) FROM access_tokens WHERE user_id = ? ORDER BY id DESC", arguments: [userID])
                .map { AccessTokenRecord(row: $0) }
        }
    }

    /// Deletes the user's token `id`, logged as revoked from `ip`; false when there is none.
    func deleteAccessToken(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool {
        try await write { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM access_tokens WHERE id = ? AND user_id = ?", arguments: [id, userID]) else { return false }
            try db.execute(sql: "DELETE FROM access_tokens WHERE id = ?", arguments: [id])
            LiveChangeLog.note(db, userID: userID, .access)
            try SecurityLog.record(db, userID: userID, SecurityEvent(.tokenRevoked, ip: ip, detail: name), at: now)
            return true
        }
    }

    private static let tokenWithUserColumns = qualifiedColumns(UserRecord.columns, "u") + ", " + qualifiedColumns(AccessTokenRecord.columns, "t")

    /// The token with this hash and its user, read together (one statement).
    func accessToken(hash: String) throws -> (token: AccessTokenRecord, user: UserRecord)? {
        try read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.tokenWithUserColumns) FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?"),
                arguments: [hash])
            else { return nil }
            return (AccessTokenRecord(row: row, from: UserRecord.columnCount), try UserRecord(row: row))
        }
    }

    /// Notes the token's use, at most once a minute (the condition makes a concurrent
    /// second write a no-op).
    func touchAccessToken(id: Int64, now: Date, interval: TimeInterval) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
                arguments: [now, id, now.addingTimeInterval(-interval)])
        }
    }
}

extension AccessTokenRecord {
    init(id: Int64, userID: Int64, name: String, scopes: [AccessScope], createdAt: Date, expiresAt: Date?, lastUsedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
    }
}
