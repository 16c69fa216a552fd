import Foundation

/// Two-factor sign-in (SPEC §13), one transaction each. Spending a factor is a conditional
/// write (a later step than the last accepted one, an unused recovery code), so two
/// requests racing with one code spend it once, on any number of instances. SQLite:
/// ``AppDatabase`` (`TwoFactorStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresTwoFactorStore.swift`).
protocol TwoFactorStorage: Sendable {
    func twoFactorSecret(userID: Int64) async throws -> TwoFactorSecretRecord?
    /// Stores a new pending secret (replacing an earlier pending one); false when 2FA is on.
    func beginTwoFactor(userID: Int64, sealed: [UInt8], keyID: String, now: Date) async throws -> Bool
    /// Turns the pending secret on with the step of its first code and the recovery codes'
    /// hashes; false when nothing was pending or the step was already spent.
    func enableTwoFactor(userID: Int64, step: Int64, recoveryHashes: [String], ip: String, now: Date) async throws -> Bool
    /// A sign-in's second step: spends the factor and logs the sign-in; false when the
    /// factor was already spent (a replay, a used recovery code).
    func signIn(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool
    /// Turns 2FA off, spending the factor that allowed it; false when it was already spent.
    func disableTwoFactor(userID: Int64, spending use: SecondFactorUse, ip: String, now: Date) async throws -> Bool
    func recoveryCodesLeft(userID: Int64) async throws -> Int
    /// The key ids that sealed the stored secrets, with how many each (start-up checks).
    func twoFactorKeyIDs() async throws -> [String: Int]
    /// Seals every secret again with another key, all or nothing (`rotate-data-key`).
    func resealTwoFactorSecrets(_ reseal: @Sendable (_ userID: Int64, _ sealed: [UInt8], _ keyID: String) throws -> (sealed: [UInt8], keyID: String)) async throws -> Int
}

extension TwoFactorStorage {
    /// Every secret sealed with `old` (or already with `new`) sealed with `new`; a secret
    /// under any other key stops the whole rotation.
    func resealTwoFactorSecrets(from old: DataKey, to new: DataKey) async throws -> Int {
        try await resealTwoFactorSecrets { userID, sealed, keyID in
            if keyID == new.id { return (sealed, keyID) }
            guard keyID == old.id else { throw RotationRefused(description: "A secret (user \(userID)) is sealed with key \(keyID), neither OLD_DATA_KEY nor DATA_KEY.") }
            return (try new.seal(try old.open(sealed, userID: userID), userID: userID), new.id)
        }
    }
}

/// A stored secret sealed with neither the old nor the new data key.
struct RotationRefused: Error, CustomStringConvertible {
    let description: String
}
