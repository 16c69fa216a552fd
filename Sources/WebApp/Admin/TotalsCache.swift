import Foundation
import Synchronization

/// The last computed admin totals, shared by the admin pages of one instance.
///
/// When they are older than their lifetime, the first request to see it computes them
/// again and the requests meanwhile show the last ones: otherwise every admin request
/// that found them expired at once read every user at once (ten at a time in `make
/// bench`). Before there are any, each request computes its own (there is nothing else
/// to show). A computation that fails gives its turn back (``abandon()``); one that never
/// ends gives it up after a lifetime.
final class TotalsCache: Sendable {
    private struct State {
        var totals: AdminTotals?
        var computedAt = Date.distantPast
        var computingSince: Date?
    }

    private let state = Mutex(State())

    /// The totals to show and whether this request computes them again (then `totals` are
    /// the last ones, if any, in case it fails).
    func use(at now: Date, lifetime: TimeInterval) -> (totals: AdminTotals?, compute: Bool) {
        state.withLock { state in
            if let totals = state.totals, Self.isWithin(lifetime, of: state.computedAt, at: now) { return (totals, false) }
            if let totals = state.totals, let since = state.computingSince, Self.isWithin(lifetime, of: since, at: now) { return (totals, false) }
            state.computingSince = now
            return (state.totals, true)
        }
    }

    func store(_ totals: AdminTotals, at now: Date) {
        state.withLock { $0 = State(totals: totals, computedAt: now, computingSince: nil) }
    }

    /// The computation this request took on failed: the next request computes.
    func abandon() {
        state.withLock { $0.computingSince = nil }
    }

    /// Whether `now` is less than `lifetime` after `start` (and not before it: a clock set
    /// back does not make old totals new).
    private static func isWithin(_ lifetime: TimeInterval, of start: Date, at now: Date) -> Bool {
        now >= start && now.timeIntervalSince(start) < lifetime
    }
}
