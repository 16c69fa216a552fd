import Foundation

/// Counts events per key in fixed windows: sign-in and sign-up requests per address,
/// failed passwords per username, wrong second-factor codes per user (SPEC §7, §13).
protocol RateLimitCounter: Sendable {
    /// Counts one event; returns seconds to wait when this event is over the limit.
    @discardableResult
    func record(_ key: String, now: Date) async throws -> Int?
    /// Seconds until the key may try again, or nil when it is under the limit.
    func retryAfter(_ key: String, now: Date) async throws -> Int?
    func reset(_ key: String) async throws
}

/// Where the limits count: SQLite's one process keeps them in memory (``RateLimiter``);
/// on PostgreSQL every instance counts in one table (``PostgresRateLimiter``), so a
/// limit holds however the load balancer spreads the requests.
protocol RateLimitStorage: Sendable {
    /// The counter of one limit; `scope` names it apart from the others.
    func rateLimitCounter(scope: String, limit: Int, window: TimeInterval) -> any RateLimitCounter
}

extension RateLimiter: RateLimitCounter {}

extension AppDatabase: RateLimitStorage {
    func rateLimitCounter(scope: String, limit: Int, window: TimeInterval) -> any RateLimitCounter {
        RateLimiter(limit: limit, window: window)
    }
}
