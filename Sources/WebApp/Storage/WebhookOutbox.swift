import Foundation
import GRDB

/// The events webhooks can subscribe to (SPEC §11).
enum WebhookEvent: String, Sendable, CaseIterable {
    case sessionRecorded = "session.recorded"
    case timerCompleted = "timer.completed"
    case taskCompleted = "task.completed"
    case streakMilestone = "streak.milestone"
    case levelUp = "level.up"
}

/// Writing events inside the transaction of the fact they report: one row per enabled
/// webhook of the user that subscribed to the event (one statement, none when the user
/// has no such webhook), so a commit and its events are one, and a crash loses neither.
enum WebhookOutbox {
    /// `data`: the event's `data` as JSON text.
    static func emit(_ db: Database, userID: Int64, event: WebhookEvent, data: String, at now: Date) throws {
        let envelope = Envelope(event: event, data: data, at: now)
        try db.execute(
            sql: """
                INSERT INTO webhook_outbox (webhook_id, event_id, event, payload, status, next_attempt_at, created_at)
                SELECT id, ?, ?, ?, 'pending', ?, ? FROM webhooks
                WHERE user_id = ? AND disabled = 0 AND instr(' ' || events || ' ', ?) > 0
                """,
            arguments: [envelope.id, event.rawValue, envelope.payload, now, now, userID, " \(event.rawValue) "])
    }

    /// An event as every delivery of it carries it: a new id, the time, the type and `data`.
    struct Envelope {
        let id: String
        let payload: String

        init(event: WebhookEvent, data: String, at now: Date) {
            let id = "evt_" + SecureRandom.token(bytes: 16)
            self.id = id
            var envelope = JSONWriter(capacity: data.utf8.count + 128)
            envelope.object { json in
                json.field("created_at", now)
                json.key("data")
                json.raw(Data(data.utf8))
                json.field("id", id)
                json.field("type", event.rawValue)
            }
            payload = String(decoding: envelope.bytes, as: UTF8.self)
        }
    }

    /// `data` of an Encodable value, as the API writes it.
    static func json(_ value: some Encodable) -> String {
        (try? APIResponse.encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func json(_ value: some JSONWritable) -> String {
        String(decoding: JSONWriter.encode(value), as: UTF8.self)
    }
}
