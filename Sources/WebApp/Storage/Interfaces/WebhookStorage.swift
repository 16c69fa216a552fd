import Foundation

/// A user already holds ``WebhookRecord/maxPerUser`` webhooks.
enum WebhookConflict: Error { case tooMany }

/// Webhooks and their deliveries (SPEC §11), one transaction each. Events enter the outbox
/// inside the transaction of the fact they report (``WebhookOutbox``); the dispatcher
/// claims due items, so two dispatchers (two instances) never send one twice. SQLite:
/// ``AppDatabase`` (`WebhookStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresWebhookStore.swift`).
protocol WebhookStorage: Sendable {
    /// Throws ``WebhookConflict/tooMany`` past ``WebhookRecord/maxPerUser``.
    func createWebhook(
        userID: Int64, url: String, events: [WebhookEvent], format: WebhookFormat, secret: String, logging event: SecurityEvent, now: Date
    ) async throws -> WebhookRecord
    /// The user's webhooks, newest first.
    func webhooks(userID: Int64) async throws -> [WebhookRecord]
    /// Deletes the user's webhook `id`, logged from `ip`; false when there is none.
    func deleteWebhook(userID: Int64, id: Int64, ip: String, now: Date) async throws -> Bool
    /// The last attempts of the user's webhook `id`, newest first; nil when it is not theirs.
    func webhookAttempts(userID: Int64, id: Int64) async throws -> [WebhookAttempt]?
    /// Up to `limit` outbox items due at `now`, claimed: each is not due again until `claim`
    /// later (so a crash during the attempt retries it then, and two dispatchers do not
    /// send it twice).
    func claimDueDeliveries(now: Date, limit: Int, claim: TimeInterval) async throws -> [DueDelivery]
    /// Records an attempt: the outbox item delivered, retried after `schedule`'s next wait,
    /// or failed after the last; the webhook's failures in a row (disabled at
    /// `disableAfter`); one row in its log (the last ``WebhookRecord/loggedAttempts`` kept).
    @discardableResult
    func recordAttempt(
        _ item: DueDelivery, succeeded: Bool, responseCode: Int?, durationMS: Int, now: Date, schedule: [TimeInterval], disableAfter: Int
    ) async throws -> DeliveryOutcome
    /// Outbox items still to be delivered (for `/metrics`).
    func outboxBacklog() async throws -> Int
}

extension DeliveryOutcome {
    /// What an attempt (the item's `attempt`-th) came to, with `retries` waits allowed.
    init(succeeded: Bool, attempt: Int, retries: Int) {
        self = succeeded ? .delivered : (attempt <= retries ? .retrying : .failed)
    }
}

/// One more attempt at an outbox item, as both backends record it: its number, what it
/// came to, and when the item is due again (after `schedule`'s wait for a retry).
struct DeliveryAttempt {
    let number: Int
    let outcome: DeliveryOutcome
    let nextAttemptAt: Date

    init(after item: DueDelivery, succeeded: Bool, now: Date, schedule: [TimeInterval]) {
        number = item.attempts + 1
        outcome = DeliveryOutcome(succeeded: succeeded, attempt: number, retries: schedule.count)
        nextAttemptAt = outcome == .retrying ? now.addingTimeInterval(schedule[number - 1]) : now
    }
}
