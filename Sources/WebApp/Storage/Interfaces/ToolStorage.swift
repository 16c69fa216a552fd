import Foundation

/// Why a key-value write was refused.
enum KeyValueConflict: Error, Equatable { case tooManyKeys, preconditionFailed }

/// The per-user key-value store (SPEC §11), each use case one transaction, so a condition
/// on the current ETag and the key limit are checked and acted on atomically.
/// SQLite: ``AppDatabase`` (`KeyValueStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresToolStores.swift`).
protocol KeyValueStorage: Sendable {
    /// The user's keys, in byte order.
    func keys(userID: Int64) async throws -> [String]
    func value(userID: Int64, key: String) async throws -> StoredValue?
    /// Stores `value` under `key` when `condition` accepts the current ETag and, for a new
    /// key, the user has fewer than `keyLimit`. True when the key is new.
    func put(userID: Int64, key: String, value: StoredValue, keyLimit: Int, condition: ETagCondition, now: Date) async throws -> Bool
    /// Deletes `key` when `condition` accepts its ETag. False when there was no such key.
    func delete(userID: Int64, key: String, condition: ETagCondition) async throws -> Bool
}

/// A user already holds ``AccessTokenRecord/maxPerUser`` tokens.
enum AccessTokenConflict: Error { case tooMany }

/// Personal access tokens (SPEC §11), each use case one transaction. SQLite:
/// ``AppDatabase`` (`AccessTokenStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresToolStores.swift`).
protocol AccessTokenStorage: Sendable {
    /// Throws ``AccessTokenConflict/tooMany`` past ``AccessTokenRecord/maxPerUser``.
    func createAccessToken(
        userID: Int64, name: String, scopes: [AccessScope], tokenHash: String, expiresAt: Date?, logging event: SecurityEvent, now: Date
    ) async throws -> AccessTokenRecord
    /// The user's tokens, newest first.
    func accessTokens(userID: Int64) async throws -> [AccessTokenRecord]
    /// Deletes the user's token `id`, logged as revoked from `ip`; false when there is none.
    func deleteAccessToken(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool
    /// The token with this hash and its user, read together (one statement).
    func accessToken(hash: String) async throws -> (token: AccessTokenRecord, user: UserRecord)?
    /// Notes the token's use, at most once per `interval`.
    func touchAccessToken(id: Int64, now: Date, interval: TimeInterval) async throws
}
