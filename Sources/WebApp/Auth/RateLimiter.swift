import Foundation
import Synchronization

/// A fixed-window counter per key: at most `limit` events per `window`. Keys are kept in
/// memory (one process serves the database); old windows are dropped as they expire.
final class RateLimiter: Sendable {
    private struct Window {
        var start: Date
        var count: Int
    }

    let limit: Int
    let window: TimeInterval
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until the key may try again, or nil when it is under the limit.
    func retryAfter(_ key: String, now: Date) -> Int? {
        windows.withLock { windows in
            guard let current = windows[key], now.timeIntervalSince(current.start) < window, current.count >= limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(current.start)).rounded(.up)))
        }
    }

    /// Counts one event; returns seconds to wait when this event is over the limit.
    @discardableResult
    func record(_ key: String, now: Date) -> Int? {
        windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { now.timeIntervalSince($0.value.start) < window } }
            var current = windows[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(current.start) >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            guard current.count > limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(current.start)).rounded(.up)))
        }
    }

    func reset(_ key: String) {
        _ = windows.withLock { $0.removeValue(forKey: key) }
    }
}
