import Foundation
import GRDB

/// A user's TOTP secret as stored: sealed with the data key named by `keyID`; pending
/// until a first code confirms it; `lastStep` is the latest step whose code was accepted.
struct TwoFactorSecretRecord: Sendable {
    let sealed: [UInt8]
    let keyID: String
    let enabled: Bool
    let lastStep: Int64
}

/// A second factor presented and found right, to be spent exactly once: a TOTP step
/// (only when later than the last accepted one) or an unused recovery code (its hash).
enum SecondFactorUse: Sendable, Equatable {
    case step(Int64)
    case recoveryCode(hash: String)
}

extension AppDatabase: TwoFactorStorage {
    func twoFactorSecret(userID: Int64) throws -> TwoFactorSecretRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT sealed_secret, key_id, enabled_at IS NOT NULL, last_step FROM two_factor_secrets WHERE user_id = ?", arguments: [userID])
                .map { TwoFactorSecretRecord(sealed: [UInt8]($0[0] as Data), keyID: $0[1], enabled: $0[2], lastStep: $0[3]) }
        }
    }

    /// Stores a new pending secret (replacing an earlier pending one); false when 2FA is on.
    func beginTwoFactor(userID: Int64, sealed: [UInt8], keyID: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO two_factor_secrets (user_id, sealed_secret, key_id, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, key_id = excluded.key_id,
                        created_at = excluded.created_at, last_step = 0
                    WHERE enabled_at IS NULL
                    """,
                arguments: [userID, Data(sealed), keyID, now])
            return db.changesCount == 1
        }
    }

    /// Turns the pending secret on with the step of its first code and the recovery
    /// codes' hashes; false when nothing was pending or the step was already spent.
    func enableTwoFactor(userID: Int64, step: Int64, recoveryHashes: [String], ip: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE two_factor_secrets SET enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled_at IS NULL AND last_step < ?",
                arguments: [now, step, userID, step])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
            for hash in recoveryHashes {
                try db.execute(sql: "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", arguments: [userID, hash])
            }
            try db.execute(sql: "UPDATE users SET two_factor = 1 WHERE id = ?", arguments: [userID])
            try SecurityLog.record(db, userID: userID, SecurityEvent(.twoFactorEnabled, ip: ip), at: now)
            return true
        }
    }

    /// A sign-in's second step: spends the factor and logs the sign-in; false when the
    /// factor was already spent (a replay, a used recovery code).
    func signIn(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool {
        try await write { db in
            guard try Self.spend(db, use, userID: userID, ip: ip, now: now) else { return false }
            let how = if case .step = use { "with a two-factor code" } else { "with a recovery code" }
            try SecurityLog.record(db, userID: userID, SecurityEvent(.loginSucceeded, ip: ip, detail: how), at: now)
            return true
        }
    }

    /// Turns 2FA off, spending the factor that allowed it; false when it was already spent.
    func disableTwoFactor(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool {
        try await write { db in
            guard try Self.spend(db, use, userID: userID, ip: ip, now: now) else { return false }
            try Self.clearTwoFactor(db, userID: userID)
            try SecurityLog.record(db, userID: userID, SecurityEvent(.twoFactorDisabled, ip: ip), at: now)
            return true
        }
    }

    /// Removes a user's secret and recovery codes (turning 2FA off or an admin's reset).
    static func clearTwoFactor(_ db: Database, userID: Int64) throws {
        try db.execute(sql: "DELETE FROM two_factor_secrets WHERE user_id = ?", arguments: [userID])
        try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
        try db.execute(sql: "UPDATE users SET two_factor = 0 WHERE id = ?", arguments: [userID])
    }

    private static func spend(_ db: Database, _ use: SecondFactorUse, userID: Int64, ip: String, now: Date) throws -> Bool {
        switch use {
        case .step(let step):
            try db.execute(
                sql: "UPDATE two_factor_secrets SET last_step = ? WHERE user_id = ? AND enabled_at IS NOT NULL AND last_step < ?",
                arguments: [step, userID, step])
            return db.changesCount == 1
        case .recoveryCode(let hash):
            try db.execute(
                sql: "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", arguments: [now, userID, hash])
            guard db.changesCount == 1 else { return false }
            let left = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", arguments: [userID]) ?? 0
            try SecurityLog.record(db, userID: userID, SecurityEvent(.recoveryCodeUsed, ip: ip, detail: "\(left) left"), at: now)
            return true
        }
    }

    func recoveryCodesLeft(userID: Int64) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", arguments: [userID]) ?? 0
        }
    }

    /// The key ids that sealed the stored secrets, with how many each (start-up checks).
    func twoFactorKeyIDs() throws -> [String: Int] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key_id, COUNT(*) FROM two_factor_secrets GROUP BY key_id").map { ($0[0], $0[1]) })
        }
    }

    /// Seals every secret again with another key, all or nothing (`rotate-data-key`).
    func resealTwoFactorSecrets(_ reseal: @Sendable (_ userID: Int64, _ sealed: [UInt8], _ keyID: String) throws -> (sealed: [UInt8], keyID: String)) async throws -> Int {
        try await write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT user_id, sealed_secret, key_id FROM two_factor_secrets")
            for row in rows {
                let userID: Int64 = row[0]
                let fresh = try reseal(userID, [UInt8](row[1] as Data), row[2])
                try db.execute(
                    sql: "UPDATE two_factor_secrets SET sealed_secret = ?, key_id = ? WHERE user_id = ?", arguments: [Data(fresh.sealed), fresh.keyID, userID])
            }
            return rows.count
        }
    }
}
