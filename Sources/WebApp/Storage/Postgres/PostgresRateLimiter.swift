import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A rate limit counted in PostgreSQL (`rate_limits`): every instance counts the same
/// windows, each event in one `INSERT … ON CONFLICT` that starts a new window or counts in
/// the current one, atomically. Ended windows are deleted now and then (every
/// ``pruneEvery``-th event of an instance).
final class PostgresRateLimiter: RateLimitCounter {
    let scope: String
    let limit: Int
    let window: TimeInterval
    private let client: PostgresClient
    private let logger: Logger
    private let events = Mutex(0)
    static let pruneEvery = 1_000

    init(scope: String, limit: Int, window: TimeInterval, client: PostgresClient, logger: Logger) {
        self.scope = scope
        self.limit = limit
        self.window = window
        self.client = client
        self.logger = logger
    }

    @discardableResult
    func record(_ key: String, now: Date) async throws -> Int? {
        let windowEnded = now.addingTimeInterval(-window)
        let row = try await client.withConnection { connection in
            try await connection.first(
                """
                INSERT INTO rate_limits AS r (scope, key, window_start, count) VALUES (\(scope), \(key), \(now), 1)
                ON CONFLICT (scope, key) DO UPDATE SET
                    window_start = CASE WHEN r.window_start <= \(windowEnded) THEN excluded.window_start ELSE r.window_start END,
                    count = CASE WHEN r.window_start <= \(windowEnded) THEN 1 ELSE r.count + 1 END
                RETURNING window_start, count
                """, logger: logger)
        }
        if events.withLock({ $0 += 1; return $0 % Self.pruneEvery == 0 }) { try await prune(now: now) }
        guard let (start, count) = try row?.decode((Date, Int).self), count > limit else { return nil }
        return wait(since: start, now: now)
    }

    func retryAfter(_ key: String, now: Date) async throws -> Int? {
        let row = try await client.withConnection { connection in
            try await connection.first(
                "SELECT window_start, count FROM rate_limits WHERE scope = \(scope) AND key = \(key) AND window_start > \(now.addingTimeInterval(-window))",
                logger: logger)
        }
        guard let (start, count) = try row?.decode((Date, Int).self), count >= limit else { return nil }
        return wait(since: start, now: now)
    }

    func reset(_ key: String) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query("DELETE FROM rate_limits WHERE scope = \(scope) AND key = \(key)", logger: logger)
        }
    }

    private func prune(now: Date) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query("DELETE FROM rate_limits WHERE scope = \(scope) AND window_start <= \(now.addingTimeInterval(-window))", logger: logger)
        }
    }

    private func wait(since start: Date, now: Date) -> Int {
        max(1, Int((window - now.timeIntervalSince(start)).rounded(.up)))
    }
}

extension PostgresStore: RateLimitStorage {
    func rateLimitCounter(scope: String, limit: Int, window: TimeInterval) -> any RateLimitCounter {
        PostgresRateLimiter(scope: scope, limit: limit, window: window, client: client, logger: logger)
    }
}
