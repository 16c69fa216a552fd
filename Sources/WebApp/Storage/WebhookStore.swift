import Foundation
import GRDB

/// A row of `webhooks`.
struct WebhookRecord: Sendable, Equatable {
    static let columns = "id, user_id, url, events, format, secret, disabled, consecutive_failures, created_at"
    static let maxPerUser = 10
    /// Attempts kept in each webhook's delivery log.
    static let loggedAttempts = 50

    var id: Int64
    var userID: Int64
    var url: String
    var events: [WebhookEvent]
    var format: WebhookFormat
    var secret: String
    var disabled: Bool
    var consecutiveFailures: Int
    var createdAt: Date

    init(row: Row, from base: Int = 0) {
        id = row[base]
        userID = row[base + 1]
        url = row[base + 2]
        events = (row[base + 3] as String).split(separator: " ").compactMap { WebhookEvent(rawValue: String($0)) }
        format = WebhookFormat(rawValue: row[base + 4]) ?? .json
        secret = row[base + 5]
        disabled = row[base + 6]
        consecutiveFailures = row[base + 7]
        createdAt = row.storedDate(base + 8) ?? .distantPast
    }
}

/// How a delivery's body is shaped: the signed event, or a one-line chat message.
enum WebhookFormat: String, Sendable, CaseIterable {
    case json, slack, discord
}

/// One attempt in a webhook's delivery log.
struct WebhookAttempt: Sendable, Equatable {
    let id: Int64
    let event: String
    let status: String
    let attempt: Int
    let responseCode: Int?
    let durationMS: Int
    let createdAt: Date
}

/// An outbox item due for an attempt, with what the attempt needs of its webhook.
struct DueDelivery: Sendable {
    let outboxID: Int64
    let eventID: String
    let event: String
    let payload: String
    let attempts: Int
    let webhook: WebhookRecord
}

/// What an attempt came to.
enum DeliveryOutcome: String, Sendable {
    case delivered, retrying, failed
}

extension AppDatabase: WebhookStorage {
    func createWebhook(
        userID: Int64, url: String, events: [WebhookEvent], format: WebhookFormat, secret: String, logging event: SecurityEvent, now: Date
    ) async throws -> WebhookRecord {
        try await write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhooks WHERE user_id = ?", arguments: [userID]) ?? 0
            guard count < WebhookRecord.maxPerUser else { throw WebhookConflict.tooMany }
            try db.execute(
                sql: "INSERT INTO webhooks (user_id, url, events, format, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [userID, url, events.map(\.rawValue).joined(separator: " "), format.rawValue, secret, now])
            let id = db.lastInsertedRowID
            try SecurityLog.record(db, userID: userID, event, at: now)
            let row = try Row.fetchOne(db, sql: "SELECT \(WebhookRecord.columns) FROM webhooks WHERE id = ?", arguments: [id])
            guard let row else { throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "the new webhook cannot be read back") }
            return WebhookRecord(row: row)
        }
    }

    func webhooks(userID: Int64) throws -> [WebhookRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(WebhookRecord.columns) FROM webhooks WHERE user_id = ? ORDER BY id DESC", arguments: [userID]).map { WebhookRecord(row: $0) }
        }
    }

    /// Deletes the user's webhook `id`, logged from `ip`; false when there is none.
    func deleteWebhook(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool {
        try await write { db in
            guard let url = try String.fetchOne(db, sql: "SELECT url FROM webhooks WHERE id = ? AND user_id = ?", arguments: [id, userID]) else { return false }
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ?", arguments: [id])
            try SecurityLog.record(db, userID: userID, SecurityEvent(.webhookDeleted, ip: ip, detail: url), at: now)
            return true
        }
    }

    /// The last attempts of the user's webhook `id`, newest first; nil when it is not theirs.
    func webhookAttempts(userID: Int64, id: Int64) throws -> [WebhookAttempt]? {
        try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = ? AND user_id = ?)", arguments: [id, userID]) == true else { return nil }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT id, event, status, attempt, response_code, duration_ms, created_at FROM webhook_deliveries
                    WHERE webhook_id = ? ORDER BY id DESC LIMIT \(WebhookRecord.loggedAttempts)
                    """, arguments: [id]
            ).map { WebhookAttempt(id: $0[0], event: $0[1], status: $0[2], attempt: $0[3], responseCode: $0[4], durationMS: $0[5], createdAt: $0.storedDate(6) ?? .distantPast) }
        }
    }

    /// Up to `limit` outbox items due at `now`, claimed: each is not due again until
    /// `claim` later (so a crash during the attempt retries it then, and two pollers do
    /// not send it twice).
    func claimDueDeliveries(now: Date, limit: Int, claim: TimeInterval) async throws -> [DueDelivery] {
        try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.event_id, o.event, o.payload, o.attempts, \(qualifiedColumns(WebhookRecord.columns, "w")) FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id
                    WHERE o.status IN ('pending', 'retrying') AND o.next_attempt_at <= ? AND w.disabled = 0
                    ORDER BY o.next_attempt_at, o.id LIMIT ?
                    """, arguments: [now, limit])
            let due = rows.map { DueDelivery(outboxID: $0[0], eventID: $0[1], event: $0[2], payload: $0[3], attempts: $0[4], webhook: WebhookRecord(row: $0, from: 5)) }
            for item in due {
                try db.execute(sql: "UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ?", arguments: [now.addingTimeInterval(claim), item.outboxID])
            }
            return due
        }
    }

    /// Records an attempt: the outbox item delivered, retried after `schedule`'s next
    /// wait, or failed after the last; the webhook's failures in a row (disabled at
    /// `disableAfter`); one row in its log (the last 50 kept).
    @discardableResult
    func recordAttempt(
        _ item: DueDelivery, succeeded: Bool, responseCode: Int?, durationMS: Int, now: Date, schedule: [TimeInterval], disableAfter: Int
    ) async throws -> DeliveryOutcome {
        try await write { db in
            let attempt = DeliveryAttempt(after: item, succeeded: succeeded, now: now, schedule: schedule)
            try db.execute(
                sql: "UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [attempt.outcome.rawValue, attempt.number, attempt.nextAttemptAt, item.outboxID])
            if succeeded {
                try db.execute(sql: "UPDATE webhooks SET consecutive_failures = 0 WHERE id = ?", arguments: [item.webhook.id])
            } else {
                try db.execute(
                    sql: "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, disabled = (consecutive_failures + 1 >= ?) OR disabled WHERE id = ?",
                    arguments: [disableAfter, item.webhook.id])
            }
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (webhook_id, outbox_id, event, status, attempt, response_code, duration_ms, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item.webhook.id, item.outboxID, item.event, attempt.outcome.rawValue, attempt.number, responseCode, durationMS, now])
            try db.execute(
                sql: """
                    DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND id <= (
                        SELECT id FROM webhook_deliveries WHERE webhook_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET \(WebhookRecord.loggedAttempts))
                    """, arguments: [item.webhook.id])
            return attempt.outcome
        }
    }

    /// Outbox items still to be delivered (for `/metrics`).
    func outboxBacklog() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_outbox WHERE status IN ('pending', 'retrying')") ?? 0 }
    }
}
