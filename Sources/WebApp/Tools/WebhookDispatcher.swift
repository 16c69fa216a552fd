import AsyncHTTPClient
import Crypto
import Domain
import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// How deliveries are paced (SPEC §11); tests shorten the waits.
struct WebhookSettings: Sendable {
    /// How often the outbox is looked at.
    var pollInterval: Duration = .milliseconds(500)
    /// The waits before each retry; after the last, the delivery fails.
    var retrySchedule: [TimeInterval] = [60, 300, 1800, 7200, 43_200]
    var timeout: TimeInterval = 5
    /// Attempts at once.
    var concurrency = 8
    /// Failed attempts in a row that disable a webhook.
    var disableAfter = 20
}

/// Delivers the outbox in the background: due items are claimed, posted (signed, with a
/// timeout, several at once), and their outcome recorded. Nothing a receiver does can
/// slow the request that produced the event: that request only wrote the outbox row.
struct WebhookDispatcher: Service {
    let database: any WebhookStorage
    let clock: any WallClock
    let urls: WebhookURLGuard
    let settings: WebhookSettings
    let logger: Logger

    func run() async throws {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(Int64(settings.timeout)), read: .seconds(Int64(settings.timeout)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        try? await cancelWhenGracefulShutdown {
            // Waits before each pass, the first included: a server starting is busy enough,
            // and what was due at start goes out one poll interval later.
            while !Task.isCancelled {
                try await Task.sleep(for: settings.pollInterval)
                do {
                    _ = try await deliverDue(using: client)
                } catch {
                    logger.error("webhook delivery pass failed", metadata: ["error": "\(error)"])
                }
            }
        }
        try await client.shutdown()
    }

    /// One pass: every item due now, `concurrency` at a time. Returns how many were tried.
    @discardableResult
    func deliverDue(using client: HTTPClient) async throws -> Int {
        let due = try await database.claimDueDeliveries(now: clock.now, limit: settings.concurrency * 4, claim: settings.timeout * 3)
        await withTaskGroup(of: Void.self) { group in
            for (index, item) in due.enumerated() {
                if index >= settings.concurrency { await group.next() }
                group.addTask { await deliver(item, using: client) }
            }
        }
        Gauge(label: "focusquest_webhook_outbox_backlog").record(try await database.outboxBacklog())
        return due.count
    }

    private func deliver(_ item: DueDelivery, using client: HTTPClient) async {
        let started = ContinuousClock.now
        var code: Int?
        if let url = URL(string: item.webhook.url), await urls.resolvesPublicly(url) {
            var request = HTTPClientRequest(url: item.webhook.url)
            request.method = .POST
            let body = Self.body(item)
            let timestamp = Int(clock.now.timeIntervalSince1970)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "FocusQuest-Webhooks")
            request.headers.add(name: "X-FocusQuest-Event", value: item.event)
            request.headers.add(name: "X-FocusQuest-Delivery", value: item.eventID)
            request.headers.add(name: "X-FocusQuest-Signature", value: Self.signature(body: body, secret: item.webhook.secret, timestamp: timestamp))
            request.body = .bytes(ByteBuffer(string: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(Int64(settings.timeout)))
                code = Int(response.status.code)
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } catch {
                logger.info("webhook attempt failed", metadata: ["webhook_id": "\(item.webhook.id)", "error": "\(error)"])
            }
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let succeeded = code.map { (200..<300).contains($0) } ?? false
        do {
            let outcome = try await database.recordAttempt(
                item, succeeded: succeeded, responseCode: code, durationMS: milliseconds, now: clock.now, schedule: settings.retrySchedule,
                disableAfter: settings.disableAfter)
            Counter(label: "focusquest_webhook_deliveries_total", dimensions: [("outcome", outcome.rawValue)]).increment()
        } catch {
            logger.error("recording a webhook attempt failed", metadata: ["error": "\(error)"])
        }
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body", keyed by the secret's UTF-8>`.
    static func signature(body: String, secret: String, timestamp: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The signed event as it is, or a one-line chat message in Slack's or Discord's shape.
    static func body(_ item: DueDelivery) -> String {
        switch item.webhook.format {
        case .json: return item.payload
        case .slack, .discord:
            var writer = JSONWriter()
            writer.object { json in json.field(item.webhook.format == .slack ? "text" : "content", line(item)) }
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// What a chat message says about an event.
    static func line(_ item: DueDelivery) -> String {
        let data = (try? JSONSerialization.jsonObject(with: Data(item.payload.utf8)) as? [String: Any])?["data"] as? [String: Any] ?? [:]
        switch WebhookEvent(rawValue: item.event) {
        case .sessionRecorded?: return "FocusQuest: \(data["minutes"] ?? 0) minutes of focus recorded."
        case .timerCompleted?: return "FocusQuest: a \(data["kind"] ?? "focus") timer finished."
        case .taskCompleted?: return "FocusQuest: task “\(data["title"] ?? "")” completed."
        case .streakMilestone?: return "FocusQuest: a \(data["milestone"] ?? 7)-day streak milestone!"
        case .levelUp?: return "FocusQuest: level \(data["level"] ?? 0) reached."
        case nil: return "FocusQuest: \(item.event)"
        }
    }
}
