import Foundation
import Testing

@testable import WebApp

/// The admin totals are computed by one request at a time: the others meanwhile show the
/// last ones, and a failed or stuck computation lets the next request try.
struct TotalsCacheTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let lifetime: TimeInterval = 10
    static let old = AdminTotals(users: 10, active7d: 2, tasks: 30, focusSeconds: 600)
    static let new = AdminTotals(users: 11, active7d: 3, tasks: 31, focusSeconds: 900)

    static func computed() -> TotalsCache {
        let cache = TotalsCache()
        cache.store(old, at: start)
        return cache
    }

    @Test func freshTotalsAreShownWithoutComputing() {
        let (totals, compute) = Self.computed().use(at: Self.start + 9, lifetime: Self.lifetime)
        #expect(totals?.users == 10 && !compute)
    }

    @Test func oneRequestComputesExpiredTotalsWhileTheOthersShowTheLastOnes() {
        let cache = Self.computed()
        let first = cache.use(at: Self.start + 10, lifetime: Self.lifetime)
        #expect(first.compute && first.totals?.users == 10, "the first to find them expired computes them")
        for second in 0..<5 {
            let other = cache.use(at: Self.start + 10 + Double(second) / 10, lifetime: Self.lifetime)
            #expect(!other.compute && other.totals?.users == 10, "the others meanwhile show the last ones")
        }
        cache.store(Self.new, at: Self.start + 10)
        let after = cache.use(at: Self.start + 11, lifetime: Self.lifetime)
        #expect(!after.compute && after.totals?.users == 11)
    }

    @Test func aFailedComputationLetsTheNextRequestCompute() {
        let cache = Self.computed()
        #expect(cache.use(at: Self.start + 12, lifetime: Self.lifetime).compute)
        cache.abandon()
        #expect(cache.use(at: Self.start + 12.5, lifetime: Self.lifetime).compute)
    }

    @Test func aComputationThatNeverEndsIsTakenOverAfterALifetime() {
        let cache = Self.computed()
        #expect(cache.use(at: Self.start + 12, lifetime: Self.lifetime).compute)
        #expect(!cache.use(at: Self.start + 21, lifetime: Self.lifetime).compute)
        #expect(cache.use(at: Self.start + 22, lifetime: Self.lifetime).compute)
    }

    @Test func withNothingToShowEveryRequestComputes() {
        let cache = TotalsCache()
        let first = cache.use(at: Self.start, lifetime: Self.lifetime)
        #expect(first.totals == nil && first.compute)
        #expect(cache.use(at: Self.start, lifetime: Self.lifetime).compute, "a second request has nothing to show either")
    }

    @Test func aClockSetBackComputesAgain() {
        #expect(Self.computed().use(at: Self.start - 1, lifetime: Self.lifetime).compute)
    }
}
