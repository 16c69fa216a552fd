import Foundation
import Testing

@testable import WebApp

/// Two-factor sign-in's storage holds to one contract on both backends (SPEC §13, §14): a
/// code or a recovery code is spent once, also when requests race.
@Suite(.coversBothBackends) struct TwoFactorStorageContractTests {
    static let now = StorageContractTests.now

    @Test(arguments: Backend.available)
    func enrolmentSpendsEachFactorOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            #expect(try await db.twoFactorSecret(userID: ada.userID) == nil)
            #expect(try await db.beginTwoFactor(userID: ada.userID, sealed: [1, 2], keyID: "k1", now: Self.now))
            #expect(try await db.beginTwoFactor(userID: ada.userID, sealed: [3, 4, 0], keyID: "k1", now: Self.now), "pending: starts over")
            let pending = try #require(try await db.twoFactorSecret(userID: ada.userID))
            #expect(pending.sealed == [3, 4, 0] && pending.keyID == "k1" && !pending.enabled && pending.lastStep == 0)

            #expect(try await db.enableTwoFactor(userID: ada.userID, step: 10, recoveryHashes: ["r1", "r2", "r3"], ip: "192.0.2.1", now: Self.now))
            #expect(try await !db.enableTwoFactor(userID: ada.userID, step: 11, recoveryHashes: [], ip: "192.0.2.1", now: Self.now), "already on")
            #expect(try await !db.beginTwoFactor(userID: ada.userID, sealed: [9], keyID: "k1", now: Self.now), "on: not replaced")
            #expect(try await db.user(id: ada.userID)?.twoFactor == true)
            #expect(try await db.recoveryCodesLeft(userID: ada.userID) == 3)

            #expect(try await !db.signIn(userID: ada.userID, spending: .step(10), ip: "192.0.2.1", now: Self.now), "the enrolment's step is spent")
            #expect(try await db.signIn(userID: ada.userID, spending: .step(11), ip: "192.0.2.1", now: Self.now))
            #expect(try await !db.signIn(userID: ada.userID, spending: .step(11), ip: "192.0.2.1", now: Self.now), "a replay")
            #expect(try await db.signIn(userID: ada.userID, spending: .recoveryCode(hash: "r2"), ip: "192.0.2.1", now: Self.now))
            #expect(try await !db.signIn(userID: ada.userID, spending: .recoveryCode(hash: "r2"), ip: "192.0.2.1", now: Self.now))
            #expect(try await !db.signIn(userID: ada.userID, spending: .recoveryCode(hash: "nope"), ip: "192.0.2.1", now: Self.now))
            #expect(try await db.recoveryCodesLeft(userID: ada.userID) == 2)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'recovery_code_used' AND detail = '2 left'") == 1)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'login_succeeded'") == 2)

            #expect(try await db.twoFactorKeyIDs() == ["k1": 1])
            #expect(try await !db.disableTwoFactor(userID: ada.userID, spending: .step(11), ip: "192.0.2.1", now: Self.now))
            #expect(try await db.disableTwoFactor(userID: ada.userID, spending: .step(12), ip: "192.0.2.1", now: Self.now))
            #expect(try await db.twoFactorSecret(userID: ada.userID) == nil)
            #expect(try await db.recoveryCodesLeft(userID: ada.userID) == 0)
            #expect(try await db.user(id: ada.userID)?.twoFactor == false)
        }
    }

    /// One code sent many times at once (on PostgreSQL from many connections) signs in once.
    @Test(arguments: Backend.available)
    func aCodeRacedFromManyPlacesIsSpentOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            _ = try await db.beginTwoFactor(userID: ada.userID, sealed: [1], keyID: "k1", now: Self.now)
            _ = try await db.enableTwoFactor(userID: ada.userID, step: 10, recoveryHashes: ["r1"], ip: "192.0.2.1", now: Self.now)
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await db.signIn(userID: ada.userID, spending: index % 2 == 0 ? .step(11) : .recoveryCode(hash: "r1"), ip: "192.0.2.1", now: Self.now)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 2, "the step once, the recovery code once")
        }
    }

    // Functions of their own, not closures inside the test's closures (see StorageContractTests).
    @Sendable static func resealOnlyOld(_ userID: Int64, _ sealed: [UInt8], _ keyID: String) throws -> (sealed: [UInt8], keyID: String) {
        guard keyID == "old" else { throw RotationRefused(description: keyID) }
        return (sealed + [0], "new")
    }

    @Sendable static func resealAll(_ userID: Int64, _ sealed: [UInt8], _ keyID: String) -> (sealed: [UInt8], keyID: String) {
        (sealed + [0], "new")
    }

    @Test(arguments: Backend.available)
    func rotationResealsEverySecretOrNone(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let bob = try await StorageContractTests.newUser(store, "bob")
            _ = try await db.beginTwoFactor(userID: ada.userID, sealed: [1], keyID: "old", now: Self.now)
            _ = try await db.beginTwoFactor(userID: bob.userID, sealed: [2], keyID: "other", now: Self.now)
            await #expect(throws: RotationRefused.self) {
                try await db.resealTwoFactorSecrets(Self.resealOnlyOld)
            }
            #expect(try await db.twoFactorKeyIDs() == ["old": 1, "other": 1], "all or nothing")
            #expect(try await db.resealTwoFactorSecrets(Self.resealAll) == 2)
            #expect(try await db.twoFactorKeyIDs() == ["new": 2])
            #expect(try await db.twoFactorSecret(userID: bob.userID)?.sealed == [2, 0])
        }
    }
}
