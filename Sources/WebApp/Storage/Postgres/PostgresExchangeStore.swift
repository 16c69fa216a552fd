import Domain
import Foundation
import PostgresNIO

/// Exports, calendar feeds and health reads on PostgreSQL (``ExchangeStorage``,
/// ``CalendarFeedStorage``, ``HealthStorage``); imports are in `PostgresImportStore.swift`.
extension PostgresStore: ExchangeStorage, CalendarFeedStorage, HealthStorage {
    private static let sessionColumns = PostgresColumns.qualified(FocusSessionRecord.postgresColumns, by: "s").joined(separator: ", ")

    func exportTasks(userID: Int64, after: Int64) async throws -> [TaskRecord] {
        try await read { connection in
            try await connection.all(
                "SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE user_id = \(userID) AND id > \(after) ORDER BY id LIMIT \(exportPageSize)",
                logger: logger
            ).map(TaskRecord.init(postgres:))
        }
    }

    func exportSessions(userID: Int64, after: Int64, from: Date?, to: Date?) async throws -> [(session: FocusSessionRecord, taskTitle: String?)] {
        try await read { connection in
            try await Self.sessionsWithTitles(
                connection,
                """
                WHERE s.user_id = \(userID) AND s.id > \(after) AND s.start_time >= \(from ?? .distantPast) AND s.start_time < \(to ?? .distantFuture)
                ORDER BY s.id LIMIT \(exportPageSize)
                """, logger: logger)
        }
    }

    /// Sessions with their task's title (its last column), filtered and ordered by `rest`.
    private static func sessionsWithTitles(
        _ connection: PostgresConnection, _ rest: PostgresQuery, logger: Logger
    ) async throws -> [(session: FocusSessionRecord, taskTitle: String?)] {
        var query = PostgresQuery(unsafeSQL: "SELECT \(sessionColumns), t.title FROM focus_sessions s LEFT JOIN tasks t ON t.id = s.task_id ")
        query.sql += rest.sql
        query.binds = rest.binds
        return try await connection.all(query, logger: logger).map { row in
            var columns = PostgresColumns(row)
            return (try FocusSessionRecord(&columns), try columns.next(String?.self))
        }
    }

    func exportAccount(userID: Int64) async throws -> AccountExtras? {
        try await snapshot { connection in
            guard let row = try await connection.first("SELECT \(unescaped: UserRecord.postgresColumns(of: "users")) FROM users WHERE id = \(userID)", logger: logger)
            else { return nil }
            let keyValues = try await connection.all(
                "SELECT key, value FROM key_values WHERE user_id = \(userID) ORDER BY key COLLATE \"C\"", logger: logger
            ).map { row in try row.decode((String, Data).self) }
            let friends = try await connection.all(
                "SELECT u.username FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = \(userID) ORDER BY u.username COLLATE \"C\"",
                logger: logger
            ).map { try $0.decode(String.self) }
            return AccountExtras(
                user: try UserRecord(postgres: row), history: try await PostgresStreakLedger.dayRules(connection, userID: userID, logger: logger),
                breaks: try await PostgresStreakLedger.breaks(connection, userID: userID, logger: logger),
                keyValues: keyValues.map { (key: $0.0, json: $0.1) }, friends: friends)
        }
    }

    func dayRules(userID: Int64) async throws -> DayRuleHistory {
        try await read { connection in try await PostgresStreakLedger.dayRules(connection, userID: userID, logger: logger) }
    }

    func replaceCalendarFeed(userID: Int64, tokenHash: String, now: Date) async throws {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (\(userID), \(tokenHash), \(now))
                ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
                """)
        }
    }

    func deleteCalendarFeed(userID: Int64) async throws -> Bool {
        try await write { tx in try await tx.first("DELETE FROM calendar_feeds WHERE user_id = \(userID) RETURNING 1") != nil }
    }

    func calendarFeedCreated(userID: Int64) async throws -> Date? {
        try await read { connection in
            try await connection.first("SELECT created_at FROM calendar_feeds WHERE user_id = \(userID)", logger: logger)?.decode(Date.self)
        }
    }

    func calendarFeed(tokenHash: String, since: Date) async throws -> CalendarFeedContent? {
        try await snapshot { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT \(unescaped: UserRecord.postgresColumns(of: "users")) FROM users
                    WHERE id = (SELECT user_id FROM calendar_feeds WHERE token_hash = \(tokenHash)) AND NOT disabled
                    """, logger: logger)
            else { return nil }
            let user = try UserRecord(postgres: row)
            let sessions = try await Self.sessionsWithTitles(
                connection, "WHERE s.user_id = \(user.userID) AND s.start_time >= \(since) ORDER BY s.start_time, s.id", logger: logger)
            return CalendarFeedContent(user: user, sessions: sessions, breaks: try await PostgresStreakLedger.breaks(connection, userID: user.userID, logger: logger))
        }
    }

    func isReady() async -> Bool {
        (try? await read { try await $0.first("SELECT 1", logger: logger)?.decode(Int.self) }) == 1
    }

    func siteTotals(activeSince: Date) async throws -> AdminTotals {
        try await read { connection in try await Self.siteTotals(connection, activeSince: activeSince, logger: logger) }
    }
}
