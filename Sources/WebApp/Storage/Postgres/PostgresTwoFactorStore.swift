import Foundation
import PostgresNIO

/// Two-factor sign-in on PostgreSQL (``TwoFactorStorage``): each spend is one conditional
/// `UPDATE … RETURNING`, which PostgreSQL's row locks make atomic across instances.
extension PostgresStore: TwoFactorStorage {
    func twoFactorSecret(userID: Int64) async throws -> TwoFactorSecretRecord? {
        try await read { connection in
            try await connection.first(
                "SELECT sealed_secret, key_id, enabled_at IS NOT NULL, last_step FROM two_factor_secrets WHERE user_id = \(userID)", logger: logger
            ).map { row in
                let (sealed, keyID, enabled, lastStep) = try row.decode((Data, String, Bool, Int64).self)
                return TwoFactorSecretRecord(sealed: [UInt8](sealed), keyID: keyID, enabled: enabled, lastStep: lastStep)
            }
        }
    }

    func beginTwoFactor(userID: Int64, sealed: [UInt8], keyID: String, now: Date) async throws -> Bool {
        try await write { tx in
            try await tx.first(
                """
                INSERT INTO two_factor_secrets (user_id, sealed_secret, key_id, created_at) VALUES (\(userID), \(Data(sealed)), \(keyID), \(now))
                ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, key_id = excluded.key_id,
                    created_at = excluded.created_at, last_step = 0
                WHERE two_factor_secrets.enabled_at IS NULL
                RETURNING 1
                """) != nil
        }
    }

    func enableTwoFactor(userID: Int64, step: Int64, recoveryHashes: [String], ip: String, now: Date) async throws -> Bool {
        try await write { tx in
            guard
                try await tx.first(
                    """
                    UPDATE two_factor_secrets SET enabled_at = \(now), last_step = \(step)
                    WHERE user_id = \(userID) AND enabled_at IS NULL AND last_step < \(step) RETURNING 1
                    """) != nil
            else { return false }
            try await tx.execute("DELETE FROM recovery_codes WHERE user_id = \(userID)")
            try await tx.execute("INSERT INTO recovery_codes (user_id, code_hash) SELECT \(userID), unnest(\(recoveryHashes)::text[])")
            try await tx.execute("UPDATE users SET two_factor = TRUE WHERE id = \(userID)")
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.twoFactorEnabled, ip: ip), at: now)
            return true
        }
    }

    func signIn(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool {
        try await write { tx in
            guard try await Self.spend(tx, use, userID: userID, ip: ip, now: now) else { return false }
            let how = if case .step = use { "with a two-factor code" } else { "with a recovery code" }
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.loginSucceeded, ip: ip, detail: how), at: now)
            return true
        }
    }

    func disableTwoFactor(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool {
        try await write { tx in
            guard try await Self.spend(tx, use, userID: userID, ip: ip, now: now) else { return false }
            try await Self.clearTwoFactor(tx, userID: userID)
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.twoFactorDisabled, ip: ip), at: now)
            return true
        }
    }

    /// Removes a user's secret and recovery codes (turning 2FA off or an admin's reset).
    static func clearTwoFactor(_ tx: PostgresTransaction, userID: Int64) async throws {
        try await tx.execute("DELETE FROM two_factor_secrets WHERE user_id = \(userID)")
        try await tx.execute("DELETE FROM recovery_codes WHERE user_id = \(userID)")
        try await tx.execute("UPDATE users SET two_factor = FALSE WHERE id = \(userID)")
    }

    private static func spend(_ tx: PostgresTransaction, _ use: SecondFactorUse, userID: Int64, ip: String, now: Date) async throws -> Bool {
        switch use {
        case .step(let step):
            return try await tx.first(
                """
                UPDATE two_factor_secrets SET last_step = \(step)
                WHERE user_id = \(userID) AND enabled_at IS NOT NULL AND last_step < \(step) RETURNING 1
                """) != nil
        case .recoveryCode(let hash):
            guard
                try await tx.first(
                    "UPDATE recovery_codes SET used_at = \(now) WHERE user_id = \(userID) AND code_hash = \(hash) AND used_at IS NULL RETURNING 1") != nil
            else { return false }
            let left = try await tx.first("SELECT count(*) FROM recovery_codes WHERE user_id = \(userID) AND used_at IS NULL")?.decode(Int.self) ?? 0
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.recoveryCodeUsed, ip: ip, detail: "\(left) left"), at: now)
            return true
        }
    }

    func recoveryCodesLeft(userID: Int64) async throws -> Int {
        try await read { connection in
            try await connection.first("SELECT count(*) FROM recovery_codes WHERE user_id = \(userID) AND used_at IS NULL", logger: logger)?.decode(Int.self) ?? 0
        }
    }

    func twoFactorKeyIDs() async throws -> [String: Int] {
        try await read { connection in
            Dictionary(
                uniqueKeysWithValues: try await connection.all("SELECT key_id, count(*) FROM two_factor_secrets GROUP BY key_id", logger: logger)
                    .map { try $0.decode((String, Int).self) })
        }
    }

    func resealTwoFactorSecrets(
        _ reseal: @Sendable (_ userID: Int64, _ sealed: [UInt8], _ keyID: String) throws -> (sealed: [UInt8], keyID: String)
    ) async throws -> Int {
        try await write { tx in
            let rows = try await tx.all("SELECT user_id, sealed_secret, key_id FROM two_factor_secrets FOR UPDATE")
            for row in rows {
                let (userID, sealed, keyID) = try row.decode((Int64, Data, String).self)
                let fresh = try reseal(userID, [UInt8](sealed), keyID)
                try await tx.execute("UPDATE two_factor_secrets SET sealed_secret = \(Data(fresh.sealed)), key_id = \(fresh.keyID) WHERE user_id = \(userID)")
            }
            return rows.count
        }
    }
}
