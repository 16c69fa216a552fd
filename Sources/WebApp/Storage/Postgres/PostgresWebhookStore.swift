import Foundation
import PostgresNIO

/// Webhooks on PostgreSQL (``WebhookStorage``). Dispatchers on several instances claim due
/// outbox items with `FOR UPDATE SKIP LOCKED`: each takes rows no other one holds, and a
/// claimed item is not due again until its claim runs out.
extension PostgresStore: WebhookStorage {
    private static let webhookColumns = qualifiedColumns(WebhookRecord.columns, "w")

    func createWebhook(
        userID: Int64, url: String, events: [WebhookEvent], format: WebhookFormat, secret: String, logging event: SecurityEvent, now: Date
    ) async throws -> WebhookRecord {
        try await write { tx in
            try await PostgresLedgers.lockUser(tx, userID, below: WebhookRecord.maxPerUser, in: "webhooks", otherwise: WebhookConflict.tooMany)
            let row = try await tx.one(
                """
                INSERT INTO webhooks AS w (user_id, url, events, format, secret, created_at)
                VALUES (\(userID), \(url), \(events.map(\.rawValue).joined(separator: " ")), \(format.rawValue), \(secret), \(now))
                RETURNING \(unescaped: Self.webhookColumns)
                """)
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, event, at: now)
            var columns = PostgresColumns(row)
            return try WebhookRecord(&columns)
        }
    }

    func webhooks(userID: Int64) async throws -> [WebhookRecord] {
        try await read { connection in
            try await connection.all("SELECT \(unescaped: Self.webhookColumns) FROM webhooks w WHERE user_id = \(userID) ORDER BY id DESC", logger: logger)
                .map { row in
                    var columns = PostgresColumns(row)
                    return try WebhookRecord(&columns)
                }
        }
    }

    func deleteWebhook(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool {
        try await write { tx in
            guard let row = try await tx.first("DELETE FROM webhooks WHERE id = \(id) AND user_id = \(userID) RETURNING url") else { return false }
            try await PostgresLedgers.recordSecurityEvent(tx, userID: userID, SecurityEvent(.webhookDeleted, ip: ip, detail: try row.decode(String.self)), at: now)
            return true
        }
    }

    func webhookAttempts(userID: Int64, id: Int64) async throws -> [WebhookAttempt]? {
        try await read { connection in
            // One statement: the webhook's owner check rides along as a row of its own (id 0).
            let rows = try await connection.all(
                """
                SELECT 0, '', '', 0, NULL, 0, now() FROM webhooks WHERE id = \(id) AND user_id = \(userID)
                UNION ALL (SELECT id, event, status, attempt, response_code, duration_ms, created_at FROM webhook_deliveries
                    WHERE webhook_id = \(id) AND EXISTS (SELECT 1 FROM webhooks WHERE id = \(id) AND user_id = \(userID))
                    ORDER BY id DESC LIMIT \(WebhookRecord.loggedAttempts))
                """, logger: logger)
            guard !rows.isEmpty else { return nil }
            return try rows.dropFirst().map { row in
                let (id, event, status, attempt, responseCode, durationMS, createdAt) = try row.decode((Int64, String, String, Int, Int?, Int, Date).self)
                return WebhookAttempt(id: id, event: event, status: status, attempt: attempt, responseCode: responseCode, durationMS: durationMS, createdAt: createdAt)
            }
        }
    }

    func claimDueDeliveries(now: Date, limit: Int, claim: TimeInterval) async throws -> [DueDelivery] {
        try await write { tx in
            let rows = try await tx.all(
                """
                WITH due AS (
                    SELECT o.id, o.next_attempt_at AS due_at FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
                    WHERE o.status IN ('pending', 'retrying') AND o.next_attempt_at <= \(now) AND NOT w.disabled
                    ORDER BY o.next_attempt_at, o.id LIMIT \(limit)
                    FOR UPDATE OF o SKIP LOCKED)
                UPDATE webhook_outbox o SET next_attempt_at = \(now.addingTimeInterval(claim)) FROM due, webhooks w
                WHERE o.id = due.id AND w.id = o.webhook_id
                RETURNING due.due_at, o.id, o.event_id, o.event, o.payload, o.attempts, \(unescaped: Self.webhookColumns)
                """)
            return try rows.map { row in
                var columns = PostgresColumns(row)
                let dueAt = try columns.next(Date.self)
                let item = DueDelivery(
                    outboxID: try columns.next(), eventID: try columns.next(), event: try columns.next(), payload: try columns.next(),
                    attempts: try columns.next(), webhook: try WebhookRecord(&columns))
                return (dueAt, item)
            }
            .sorted { ($0.0, $0.1.outboxID) < ($1.0, $1.1.outboxID) }
            .map(\.1)
        }
    }

    @discardableResult
    func recordAttempt(
        _ item: DueDelivery, succeeded: Bool, responseCode: Int?, durationMS: Int, now: Date, schedule: [TimeInterval], disableAfter: Int
    ) async throws -> DeliveryOutcome {
        try await write { tx in
            let attempt = DeliveryAttempt(after: item, succeeded: succeeded, now: now, schedule: schedule)
            try await tx.execute(
                """
                UPDATE webhook_outbox SET status = \(attempt.outcome.rawValue), attempts = \(attempt.number), next_attempt_at = \(attempt.nextAttemptAt)
                WHERE id = \(item.outboxID)
                """)
            if succeeded {
                try await tx.execute("UPDATE webhooks SET consecutive_failures = 0 WHERE id = \(item.webhook.id)")
            } else {
                try await tx.execute(
                    """
                    UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, disabled = (consecutive_failures + 1 >= \(disableAfter)) OR disabled
                    WHERE id = \(item.webhook.id)
                    """)
            }
            try await tx.execute(
                """
                INSERT INTO webhook_deliveries (webhook_id, outbox_id, event, status, attempt, response_code, duration_ms, created_at)
                VALUES (\(item.webhook.id), \(item.outboxID), \(item.event), \(attempt.outcome.rawValue), \(attempt.number), \(responseCode), \(durationMS), \(now))
                """)
            try await tx.execute(
                """
                DELETE FROM webhook_deliveries WHERE webhook_id = \(item.webhook.id) AND id <= (
                    SELECT id FROM webhook_deliveries WHERE webhook_id = \(item.webhook.id) ORDER BY id DESC LIMIT 1 OFFSET \(WebhookRecord.loggedAttempts))
                """)
            return attempt.outcome
        }
    }

    func outboxBacklog() async throws -> Int {
        try await read { connection in
            try await connection.first("SELECT count(*) FROM webhook_outbox WHERE status IN ('pending', 'retrying')", logger: logger)?.decode(Int.self) ?? 0
        }
    }
}

extension WebhookRecord: PostgresRecord {
    init(_ columns: inout PostgresColumns) throws {
        id = try columns.next()
        userID = try columns.next()
        url = try columns.next()
        events = try columns.next(String.self).split(separator: " ").compactMap { WebhookEvent(rawValue: String($0)) }
        format = WebhookFormat(rawValue: try columns.next(String.self)) ?? .json
        secret = try columns.next()
        disabled = try columns.next()
        consecutiveFailures = try columns.next()
        createdAt = try columns.next()
    }
}
