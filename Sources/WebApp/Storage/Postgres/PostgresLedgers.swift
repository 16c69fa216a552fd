import Domain
import Foundation
import PostgresNIO

/// The writes use cases make inside their own transaction on PostgreSQL, as
/// ``XPLedger``, ``WebhookOutbox`` and ``SecurityLog`` make them on SQLite.
enum PostgresLedgers {
    /// XP once per reference (the ledger's unique index) and the user's total in step, in
    /// one statement; returns the XP actually added. A new level is announced to the user's
    /// webhooks (`level.up`) unless `announce` is false (an import).
    static func awardXP(
        _ tx: PostgresTransaction, userID: Int64, amount: Int, reason: String, reference: String, at now: Date, announce: Bool = true
    ) async throws -> Int {
        guard amount > 0 else { return 0 }
        let row = try await tx.first(
            """
            WITH awarded AS (
                INSERT INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (\(userID), \(amount), \(reason), \(reference), \(now))
                ON CONFLICT DO NOTHING RETURNING user_id, amount)
            UPDATE users SET xp = xp + awarded.amount FROM awarded WHERE users.id = awarded.user_id RETURNING users.xp
            """)
        guard let total = try row?.decode(Int.self) else { return 0 }
        tx.note(userID: userID, .progress)
        let level = Level.forXP(total)
        if announce, level > Level.forXP(total - amount) {
            try await emit(tx, userID: userID, event: .levelUp, data: #"{"level":\#(level),"xp":\#(total)}"#, at: now)
        }
        return amount
    }

    /// One outbox row per enabled webhook of the user subscribed to `event`, in one statement.
    static func emit(_ tx: PostgresTransaction, userID: Int64, event: WebhookEvent, data: String, at now: Date) async throws {
        let envelope = WebhookOutbox.Envelope(event: event, data: data, at: now)
        try await tx.execute(
            """
            INSERT INTO webhook_outbox (webhook_id, event_id, event, payload, status, next_attempt_at, created_at)
            SELECT id, \(envelope.id), \(event.rawValue), \(envelope.payload), 'pending', \(now), \(now) FROM webhooks
            WHERE user_id = \(userID) AND NOT disabled AND strpos(' ' || events || ' ', \(" \(event.rawValue) ")) > 0
            """)
    }

    static func recordSecurityEvent(_ tx: PostgresTransaction, userID: Int64, _ event: SecurityEvent, at now: Date) async throws {
        try await tx.execute(
            "INSERT INTO security_log (user_id, at, event, ip, detail) VALUES (\(userID), \(now), \(event.kind.rawValue), \(event.ip), \(event.detail))")
    }
}

extension PostgresLedgers {
    /// Holds the user's row until the commit, so the user's use cases that check a count or
    /// a condition before they write (a key limit, an ETag) take turns across instances, as
    /// SQLite's one writer makes them. `NO KEY UPDATE`: rows that only reference the user
    /// (a new task, a session) are not held up by it.
    static func lockUser(_ tx: PostgresTransaction, _ userID: Int64) async throws {
        try await tx.execute("SELECT 1 FROM users WHERE id = \(userID) FOR NO KEY UPDATE")
    }

    /// Holds the user's row, then throws `refusal` when they already have `limit` rows in
    /// `table` (a per-user cap that holds across instances).
    static func lockUser(_ tx: PostgresTransaction, _ userID: Int64, below limit: Int, in table: String, otherwise refusal: any Error) async throws {
        try await lockUser(tx, userID)
        let count = try await tx.one(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE user_id = \(userID)")).decode(Int.self)
        guard count < limit else { throw refusal }
    }
}
