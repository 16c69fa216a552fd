import Foundation
import Glibc
import Testing

@testable import WebApp

@Suite(.closingTestApps) struct PasswordTests {
    /// Hashing runs off the event loops and yields the CPU to them (a login storm cannot
    /// stall or slow every page); the thread that asks keeps its own priority.
    @Test func hashingRunsOffTheEventLoopsAtALowerPriority() async throws {
        let hasher = try PasswordHasher(parameters: TestApp.fastArgon2, threads: 1, queueLimit: 4)
        _ = try await hasher.hash("correct horse battery")
        let thread = try await hasher.hashingThread()
        #expect(thread.niceness == PasswordHasher.niceness && !thread.onEventLoop)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) < PasswordHasher.niceness)
    }

    @Test func argon2idHashesVerifyAndRecordTheirParameters() throws {
        let parameters = Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 1)
        let hash = try Argon2.hash("correct horse battery", parameters: parameters)
        #expect(hash.hasPrefix("$argon2id$v=19$m=2048,t=2,p=1$"))
        #expect(Argon2.verify("correct horse battery", encoded: hash))
        #expect(!Argon2.verify("correct horse batterY", encoded: hash))
        #expect(!Argon2.verify("x", encoded: "not a hash"))
        #expect(Argon2.parameters(of: hash) == parameters)
        #expect(try Argon2.hash("same", parameters: parameters) != Argon2.hash("same", parameters: parameters))
    }

    @Test func unknownUsersAreVerifiedAgainstADecoy() async throws {
        let hasher = try PasswordHasher(parameters: TestApp.fastArgon2, threads: 1, queueLimit: 4)
        #expect(try await hasher.verify("anything", against: nil) == .mismatch)
        let hash = try await hasher.hash("secret password")
        #expect(try await hasher.verify("secret password", against: hash) == .match(needsRehash: false))
        let old = try Argon2.hash("secret password", parameters: .init(memoryKiB: 2048, iterations: 1, parallelism: 1))
        #expect(try await hasher.verify("secret password", against: old) == .match(needsRehash: true))
    }

    @Test func aFullQueueIsRefusedInsteadOfWaitingForever() async throws {
        let hasher = try PasswordHasher(parameters: .init(memoryKiB: 8192, iterations: 2, parallelism: 1), threads: 1, queueLimit: 0)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await hasher.hash("password here")) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.contains(true))
        #expect(results.contains(false))
    }

    @Test func loginRehashesAnOutdatedHash() async throws {
        let folder = TemporaryFolders.new("fq-rehash")
        let old = try await TestApp.make(folder: folder)
        try await old.test { client in _ = try await client.apiSignup("ada") }
        let before = try #require(try await old.services.database.user(named: "ada")).passwordHash
        #expect(Argon2.parameters(of: before) == TestApp.fastArgon2)

        let stronger = Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 1)
        let new = try await TestApp.make({ $0.argon2 = stronger }, folder: folder)
        try await new.test { client in
            let response = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#)
            #expect(response.status == .ok)
        }
        let after = try #require(try await new.services.database.user(named: "ada")).passwordHash
        #expect(Argon2.parameters(of: after) == stronger)
        #expect(Argon2.verify("correct horse battery", encoded: after))
    }
}
