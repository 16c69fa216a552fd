import Foundation
import Hummingbird

/// `/api/v1/webhooks`: the signed-in user's webhooks and their delivery logs (SPEC §11).
struct WebhookAPIController: Sendable {
    let webhooks: WebhookService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.post("webhooks") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let url = body.string("url", required: true)
            let events = body.strings("events")
            if events == nil, body.problems["events"] == nil { body.refuse("events", because: "is required") }
            let format = body.string("format")
            try body.checked()
            let record = try await webhooks.create(for: context.user, url: url, events: events, format: format, ip: context.clientIP)
            return try APIResponse.json(WebhookJSON(record, showSecret: true), status: .created)
        }
        api.get("webhooks") { _, context in
            try APIResponse.json(["items": try await webhooks.list(for: context.user).map { WebhookJSON($0, showSecret: false) }])
        }
        api.delete("webhooks/:id") { _, context in
            try await webhooks.delete(try PathID.parse(context, notFound: WebhookService.notFound), for: context.user, ip: context.clientIP)
            return Response(status: .noContent)
        }
        api.get("webhooks/:id/deliveries") { _, context in
            let attempts = try await webhooks.attempts(of: try PathID.parse(context, notFound: WebhookService.notFound), for: context.user)
            return try APIResponse.json(["items": attempts.map(AttemptJSON.init)])
        }
    }
}

struct WebhookJSON: Encodable {
    let id: Int64
    let url: String
    let events: [String]
    let format: String
    let secret: String?
    let disabled: Bool
    let consecutiveFailures: Int
    let createdAt: Date

    init(_ record: WebhookRecord, showSecret: Bool) {
        id = record.id
        url = record.url
        events = record.events.map(\.rawValue)
        format = record.format.rawValue
        secret = showSecret ? record.secret : nil
        disabled = record.disabled
        consecutiveFailures = record.consecutiveFailures
        createdAt = record.createdAt
    }
}

struct AttemptJSON: Encodable {
    let id: Int64
    let event: String
    let status: String
    let attempt: Int
    @NullWhenAbsent var responseCode: Int?
    let durationMs: Int
    let createdAt: Date

    init(_ attempt: WebhookAttempt) {
        id = attempt.id
        event = attempt.event
        status = attempt.status
        self.attempt = attempt.attempt
        responseCode = attempt.responseCode
        durationMs = attempt.durationMS
        createdAt = attempt.createdAt
    }
}
