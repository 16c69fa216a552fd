import Foundation
import GRDB

/// A stored value: the JSON text exactly as it was put, and its ETag.
struct StoredValue: Sendable, Equatable {
    let json: Data
    let etag: String
}

extension AppDatabase: KeyValueStorage {
    /// The user's keys, in byte order.
    func keys(userID: Int64) throws -> [String] {
        try read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT key FROM key_values WHERE user_id = ? ORDER BY key"), arguments: [userID])
        }
    }

    func value(userID: Int64, key: String) throws -> StoredValue? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT value, etag FROM key_values WHERE user_id = ? AND key = ?"), arguments: [userID, key])
                .map { StoredValue(json: $0[0], etag: $0[1]) }
        }
    }

    /// Stores `value` under `key` when `condition` accepts the current ETag and, for a
    /// new key, the user has fewer than `keyLimit`. True when the key is new.
    func put(userID: Int64, key: String, value: StoredValue, keyLimit: Int, condition: ETagCondition, now: Date) async throws -> Bool {
        try await write { db in
            let current = try Self.currentETag(db, userID: userID, key: key)
            guard condition.allows(current: current) else { throw KeyValueConflict.preconditionFailed }
            if current == nil {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM key_values WHERE user_id = ?", arguments: [userID]) ?? 0
                guard count < keyLimit else { throw KeyValueConflict.tooManyKeys }
            }
            try db.execute(
                sql: """
                    INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at
                    """,
                arguments: [userID, key, value.json, value.etag, now])
            return current == nil
        }
    }

    /// Deletes `key` when `condition` accepts its ETag. False when there was no such key.
    func delete(userID: Int64, key: String, condition: ETagCondition) async throws -> Bool {
        try await write { db in
            let current = try Self.currentETag(db, userID: userID, key: key)
            guard condition.allows(current: current) else { throw KeyValueConflict.preconditionFailed }
            guard current != nil else { return false }
            try db.execute(sql: "DELETE FROM key_values WHERE user_id = ? AND key = ?", arguments: [userID, key])
            return true
        }
    }

    private static func currentETag(_ db: Database, userID: Int64, key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT etag FROM key_values WHERE user_id = ? AND key = ?"), arguments: [userID, key])
    }
}
