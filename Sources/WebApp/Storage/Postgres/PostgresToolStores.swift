import Foundation
import PostgresNIO

/// The key-value store on PostgreSQL (``KeyValueStorage``). A write holds its user's row
/// (``PostgresLedgers/lockUser(_:_:)``): the ETag condition and the key limit are checked
/// and acted on atomically whatever instance writes. Keys sort in byte order (`COLLATE "C"`),
/// as on SQLite.
extension PostgresStore: KeyValueStorage {
    func keys(userID: Int64) async throws -> [String] {
        try await read { connection in
            try await connection.all("SELECT key FROM key_values WHERE user_id = \(userID) ORDER BY key COLLATE \"C\"", logger: logger)
                .map { try $0.decode(String.self) }
        }
    }

    func value(userID: Int64, key: String) async throws -> StoredValue? {
        try await read { connection in
            try await connection.first("SELECT value, etag FROM key_values WHERE user_id = \(userID) AND key = \(key)", logger: logger).map { row in
                let (json, etag) = try row.decode((Data, String).self)
                return StoredValue(json: json, etag: etag)
            }
        }
    }

    func put(userID: Int64, key: String, value: StoredValue, keyLimit: Int, condition: ETagCondition, now: Date) async throws -> Bool {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            let current = try await Self.currentETag(tx, userID: userID, key: key)
            guard condition.allows(current: current) else { throw KeyValueConflict.preconditionFailed }
            if current == nil {
                let count = try await tx.first("SELECT count(*) FROM key_values WHERE user_id = \(userID)")?.decode(Int.self) ?? 0
                guard count < keyLimit else { throw KeyValueConflict.tooManyKeys }
            }
            try await tx.execute(
                """
                INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (\(userID), \(key), \(value.json), \(value.etag), \(now))
                ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at
                """)
            return current == nil
        }
    }

    func delete(userID: Int64, key: String, condition: ETagCondition) async throws -> Bool {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            let current = try await Self.currentETag(tx, userID: userID, key: key)
            guard condition.allows(current: current) else { throw KeyValueConflict.preconditionFailed }
            guard current != nil else { return false }
            try await tx.execute("DELETE FROM key_values WHERE user_id = \(userID) AND key = \(key)")
            return true
        }
    }

    private static func currentETag(_ tx: PostgresTransaction, userID: Int64, key: String) async throws -> String? {
        try await tx.first("SELECT etag FROM key_values WHERE user_id = \(userID) AND key = \(key)")?.decode(String.self)
    }
}

/// Personal access tokens on PostgreSQL (``AccessTokenStorage``); creating one holds its
/// user's row, so the per-user limit holds across instances.
extension PostgresStore: AccessTokenStorage {
    func createAccessToken(
        userID: Int64, name: String, scopes: [AccessScope], tokenHash: String, expiresAt: Date?, logging event: SecurityEvent, now: Date
    ) async throws -> AccessTokenRecord {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID, below: AccessTokenRecord.maxPerUser, in: "access_tokens", otherwise: AccessTokenConflict.tooMany)
            let row = try await tx.one(
                """
                INSERT INTO access_tokens (user_id, name, scopes, token_hash, created_at, expires_at)
                VALUES (\(userID), \(name), \(scopes.map(\.rawValue).joined(separator: " ")), \(tokenHash), \(now), \(expiresAt)) RETURNING id
                """)
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, event, at: now)
            return AccessTokenRecord(
                id: try row.decode(Int64.self), userID: userID, name: name, scopes: scopes, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil)
        }
    }

    func accessTokens(userID: Int64) async throws -> [AccessTokenRecord] {
        try await read { connection in
            try await connection.all("SELECT \(unescaped: AccessTokenRecord.columns) FROM access_tokens WHERE user_id = \(userID) ORDER BY id DESC", logger: logger)
                .map { row in
                    var columns = PostgresColumns(row)
                    return try AccessTokenRecord(&columns)
                }
        }
    }

    func deleteAccessToken(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool {
        try await write { tx in
            guard let row = try await tx.first("DELETE FROM access_tokens WHERE id = \(id) AND user_id = \(userID) RETURNING name") else { return false }
            tx.note(userID: userID, .access)
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.tokenRevoked, ip: ip, detail: try row.decode(String.self)), at: now)
            return true
        }
    }

    func accessToken(hash: String) async throws -> (token: AccessTokenRecord, user: UserRecord)? {
        try await read { connection in
            for try await found in try await connection.execute(AccessTokenWithUser(hash: hash), logger: logger) { return found }
            return nil
        }
    }

    func touchAccessToken(id: Int64, now: Date, interval: TimeInterval) async throws {
        try await write { tx in
            try await tx.execute(
                "UPDATE access_tokens SET last_used_at = \(now) WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at <= \(now.addingTimeInterval(-interval)))")
        }
    }
}

/// A personal access token and its user, read on every request that presents one.
struct AccessTokenWithUser: PostgresPreparedStatement {
    static let sql = """
        SELECT \(UserRecord.postgresColumns(of: "u")), \(qualifiedColumns(AccessTokenRecord.columns, "t"))
        FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1
        """

    let hash: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(hash)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (token: AccessTokenRecord, user: UserRecord) {
        var columns = PostgresColumns(row)
        let user = try UserRecord(&columns)
        return (try AccessTokenRecord(&columns), user)
    }
}

extension AccessTokenRecord: PostgresRecord {
    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userID = try columns.next()
        name = try columns.next()
        scopes = try columns.next(String.self).split(separator: " ").compactMap { AccessScope(rawValue: String($0)) }
        createdAt = try columns.next()
        expiresAt = try columns.next()
        lastUsedAt = try columns.next()
    }
}
