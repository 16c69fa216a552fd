import Crypto
import Domain
import Foundation

/// The per-user key-value store (SPEC §4): a key is 1–128 of `A–Z a–z 0–9 . _ : -`, a
/// value any JSON document up to 64 KiB, kept as the client sent it; at most 1000 keys
/// per user. Each value has a strong ETag (a hash of its bytes), and `If-Match` /
/// `If-None-Match` make a write conditional. Nobody reads or writes another user's keys:
/// every query is by the signed-in user's id.
struct KeyValueService: Sendable {
    let database: any KeyValueStorage
    let clock: any WallClock

    static let maxValueBytes = 64 * 1024
    static let maxKeys = 1000

    static let keyNotFound = AppError(.notFound, "key_not_found", "There is no value under that key.")
    static let tooManyKeys = AppError(.conflict, "too_many_keys", "You already have \(maxKeys) keys; delete one first.")
    static let valueTooLarge = AppError(.contentTooLarge, "value_too_large", "A value may be at most 64 KiB of JSON.")
    static let preconditionFailed = AppError(
        .preconditionFailed, "precondition_failed", "The value's ETag does not match the request's If-Match or If-None-Match.")

    func keys(of user: UserRecord) async throws -> [String] {
        try await database.keys(userID: user.userID)
    }

    func value(_ key: String, of user: UserRecord) async throws -> StoredValue {
        guard let value = try await database.value(userID: user.userID, key: try Self.checked(key)) else { throw Self.keyNotFound }
        return value
    }

    /// Stores `json` (already read, at most ``maxValueBytes``) under `key`: the stored value
    /// and whether the key is new.
    func put(_ key: String, json: Data, condition: ETagCondition, of user: UserRecord) async throws -> (value: StoredValue, created: Bool) {
        let key = try Self.checked(key)
        guard json.count <= Self.maxValueBytes else { throw Self.valueTooLarge }
        guard (try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])) != nil else { throw AppError.malformedJSON }
        let value = StoredValue(json: json, etag: Self.etag(json))
        do {
            let created = try await database.put(
                userID: user.userID, key: key, value: value, keyLimit: Self.maxKeys, condition: condition, now: clock.now)
            return (value, created)
        } catch let conflict as KeyValueConflict {
            throw conflict == .tooManyKeys ? Self.tooManyKeys : Self.preconditionFailed
        }
    }

    func delete(_ key: String, condition: ETagCondition, of user: UserRecord) async throws {
        do {
            guard try await database.delete(userID: user.userID, key: try Self.checked(key), condition: condition) else { throw Self.keyNotFound }
        } catch KeyValueConflict.preconditionFailed {
            throw Self.preconditionFailed
        }
    }

    /// `key` when it is a valid key, else a 422 naming `key`.
    static func checked(_ key: String) throws -> String {
        let valid = (1...128).contains(key.utf8.count) && key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        guard valid else { throw AppError.validation("key", "must be 1 to 128 of the characters A–Z a–z 0–9 . _ : -") }
        return key
    }

    /// A strong ETag: the first 128 bits of the value's SHA-256, quoted.
    static func etag(_ json: Data) -> String {
        "\"" + SHA256.hash(data: json).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }
}
