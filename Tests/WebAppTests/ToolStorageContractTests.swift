import Foundation
import Testing

@testable import WebApp

/// The key-value store and personal access tokens hold to one contract on both backends
/// (SPEC §11, §14), limits and conditions included when writes race.
@Suite(.coversBothBackends) struct ToolStorageContractTests {
    static let now = StorageContractTests.now

    static func value(_ text: String, etag: String) -> StoredValue {
        StoredValue(json: Data(text.utf8), etag: etag)
    }

    @Test(arguments: Backend.available)
    func valuesKeepTheirBytesKeysSortByBytesAndConditionsHold(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let any = ETagCondition(ifMatch: nil, ifNoneMatch: nil)
            #expect(try await db.put(userID: ada.userID, key: "b", value: Self.value(#"{"n":"é"}"#, etag: "\"1\""), keyLimit: 10, condition: any, now: Self.now))
            #expect(try await db.put(userID: ada.userID, key: "B", value: Self.value("2", etag: "\"2\""), keyLimit: 10, condition: any, now: Self.now))
            #expect(try await db.put(userID: ada.userID, key: "a", value: Self.value("3", etag: "\"3\""), keyLimit: 10, condition: any, now: Self.now))
            #expect(try await db.keys(userID: ada.userID) == ["B", "a", "b"], "byte order")
            #expect(try await db.value(userID: ada.userID, key: "b") == Self.value(#"{"n":"é"}"#, etag: "\"1\""))
            #expect(try await db.value(userID: ada.userID, key: "c") == nil)

            await #expect(throws: KeyValueConflict.preconditionFailed) {
                try await db.put(userID: ada.userID, key: "b", value: Self.value("4", etag: "\"4\""), keyLimit: 10, condition: ETagCondition(ifMatch: "\"9\"", ifNoneMatch: nil), now: Self.now)
            }
            await #expect(throws: KeyValueConflict.preconditionFailed) {
                try await db.put(userID: ada.userID, key: "b", value: Self.value("4", etag: "\"4\""), keyLimit: 10, condition: ETagCondition(ifMatch: nil, ifNoneMatch: "*"), now: Self.now)
            }
            #expect(try await !db.put(userID: ada.userID, key: "b", value: Self.value("4", etag: "\"4\""), keyLimit: 10, condition: ETagCondition(ifMatch: "\"1\"", ifNoneMatch: nil), now: Self.now))
            #expect(try await db.value(userID: ada.userID, key: "b")?.etag == "\"4\"")
            await #expect(throws: KeyValueConflict.tooManyKeys) {
                try await db.put(userID: ada.userID, key: "d", value: Self.value("5", etag: "\"5\""), keyLimit: 3, condition: any, now: Self.now)
            }
            #expect(try await !db.put(userID: ada.userID, key: "a", value: Self.value("6", etag: "\"6\""), keyLimit: 3, condition: any, now: Self.now), "a change is not a new key")

            await #expect(throws: KeyValueConflict.preconditionFailed) {
                try await db.delete(userID: ada.userID, key: "a", condition: ETagCondition(ifMatch: "\"3\"", ifNoneMatch: nil))
            }
            #expect(try await db.delete(userID: ada.userID, key: "a", condition: ETagCondition(ifMatch: "\"6\"", ifNoneMatch: nil)))
            #expect(try await !db.delete(userID: ada.userID, key: "a", condition: any))
            #expect(try await db.keys(userID: ada.userID) == ["B", "b"])
        }
    }

    /// New keys written at once (on PostgreSQL from many connections, as instances would)
    /// never pass the key limit.
    @Test(arguments: Backend.available)
    func racingNewKeysStopAtTheLimit(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        do {
                            return try await db.put(
                                userID: ada.userID, key: "k\(index)", value: Self.value("1", etag: "\"1\""), keyLimit: 5,
                                condition: ETagCondition(ifMatch: nil, ifNoneMatch: nil), now: Self.now)
                        } catch KeyValueConflict.tooManyKeys {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 5)
            #expect(try await db.keys(userID: ada.userID).count == 5)
        }
    }

    @Test(arguments: Backend.available)
    func accessTokensAreFoundWithTheirUserLimitedAndRevoked(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let created = try await db.createAccessToken(
                userID: ada.userID, name: "ci", scopes: [.read, .write], tokenHash: "h1", expiresAt: Self.now + 86_400,
                logging: SecurityEvent(.tokenCreated, ip: "192.0.2.1", detail: "ci"), now: Self.now)
            let (token, user) = try #require(try await db.accessToken(hash: "h1"))
            #expect(token == created && token.scopes == [.read, .write] && user.userID == ada.userID)
            #expect(try await db.accessToken(hash: "h2") == nil)
            try await db.touchAccessToken(id: token.id, now: Self.now + 10, interval: 60)
            try await db.touchAccessToken(id: token.id, now: Self.now + 20, interval: 60)
            #expect(try await db.accessTokens(userID: ada.userID).first?.lastUsedAt == Self.now + 10, "at most once a minute")
            for index in 2...AccessTokenRecord.maxPerUser {
                _ = try await db.createAccessToken(
                    userID: ada.userID, name: "t\(index)", scopes: [.read], tokenHash: "h\(index)", expiresAt: nil,
                    logging: SecurityEvent(.tokenCreated, ip: nil), now: Self.now)
            }
            await #expect(throws: AccessTokenConflict.self) {
                try await db.createAccessToken(
                    userID: ada.userID, name: "one too many", scopes: [.read], tokenHash: "h99", expiresAt: nil,
                    logging: SecurityEvent(.tokenCreated, ip: nil), now: Self.now)
            }
            #expect(try await db.accessTokens(userID: ada.userID).map(\.name).prefix(2) == ["t20", "t19"], "newest first")
            #expect(try await db.deleteAccessToken(userID: ada.userID, id: token.id, ip: "192.0.2.2", now: Self.now))
            #expect(try await !db.deleteAccessToken(userID: ada.userID, id: token.id, ip: "192.0.2.2", now: Self.now))
            #expect(try await db.accessToken(hash: "h1") == nil)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'token_revoked' AND detail = 'ci'") == 1)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'token_created'") == AccessTokenRecord.maxPerUser)
        }
    }
}
