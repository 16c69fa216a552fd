import Foundation
import Testing

@testable import WebApp

/// Rate limits count the same on both backends (SPEC §7, §14), and on PostgreSQL every
/// instance counts in one place.
@Suite(.coversBothBackends) struct RateLimitStorageContractTests {
    static let now = StorageContractTests.now

    @Test(arguments: Backend.available)
    func aWindowCountsToItsLimitThenWaitsItsRest(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let counter = store.storage.rateLimitCounter(scope: "test", limit: 3, window: 60)
            let other = store.storage.rateLimitCounter(scope: "other", limit: 3, window: 60)
            for second in 0..<3 { #expect(try await counter.record("ip-1", now: Self.now + Double(second)) == nil) }
            #expect(try await counter.retryAfter("ip-1", now: Self.now + 10) == 50)
            #expect(try await counter.record("ip-1", now: Self.now + 10) == 50, "the fourth")
            #expect(try await counter.retryAfter("ip-2", now: Self.now + 10) == nil, "another key")
            #expect(try await other.retryAfter("ip-1", now: Self.now + 10) == nil, "another limit")
            #expect(try await counter.retryAfter("ip-1", now: Self.now + 60) == nil, "the window is over")
            #expect(try await counter.record("ip-1", now: Self.now + 60) == nil, "a new window")
            try await counter.record("ip-1", now: Self.now + 61)
            try await counter.record("ip-1", now: Self.now + 62)
            #expect(try await counter.retryAfter("ip-1", now: Self.now + 62) == 58)
            try await counter.reset("ip-1")
            #expect(try await counter.retryAfter("ip-1", now: Self.now + 62) == nil)
        }
    }

    /// Two instances, one limit: events on either count against it, also when they race.
    @Test(.enabled(if: TestPostgres.available))
    func instancesShareTheirCounts() async throws {
        try await TestStore.withInstances(2) { stores in
            let counters = stores.map { $0.rateLimitCounter(scope: "auth_requests_per_ip", limit: 10, window: 60) }
            let waits = try await withThrowingTaskGroup(of: Int?.self) { group in
                for index in 0..<16 { group.addTask { try await counters[index % 2].record("192.0.2.1", now: Self.now) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(waits.filter { $0 == nil }.count == 10, "ten let through across both")
            #expect(try await counters[0].retryAfter("192.0.2.1", now: Self.now + 1) == 59)
            #expect(try await counters[1].retryAfter("192.0.2.1", now: Self.now + 1) == 59)
        }
    }
}
