import Foundation
import Synchronization

/// The clock of a server started with `APP_ENV=test` (SPEC §9): another clock shifted by
/// an offset. Setting it moves "now" to an instant from where it keeps ticking; every
/// rule, request and background job reads it, so tests can travel to tomorrow.
public final class TestClock: WallClock {
    private let base: any WallClock
    private let offset = Mutex<TimeInterval>(0)

    public init(base: any WallClock) { self.base = base }

    public var now: Date { base.now.addingTimeInterval(offset.withLock { $0 }) }

    /// From now on, time runs from `instant`.
    public func set(_ instant: Date) {
        let shift = instant.timeIntervalSince(base.now)
        offset.withLock { $0 = shift }
    }

    /// Back to the base clock's time.
    public func reset() { offset.withLock { $0 = 0 } }
}
