import Domain
import Foundation

/// Webhooks (SPEC §11): at most 10 per user, each with its events, its format and a
/// signing secret shown once. The secret is stored as it is (the server signs with it).
struct WebhookService: Sendable {
    let database: any WebhookStorage
    let clock: any WallClock
    let urls: WebhookURLGuard

    static let tooMany = AppError(.conflict, "too_many_webhooks", "You already have \(WebhookRecord.maxPerUser) webhooks; delete one first.")
    static let notFound = AppError(.notFound, "webhook_not_found", "There is no such webhook.")

    func create(for user: UserRecord, url rawURL: String?, events names: [String]?, format rawFormat: String?, ip: String) async throws -> WebhookRecord {
        var errors = FieldErrors()
        var url: URL?
        if let rawURL {
            do { url = try urls.checkedShape(rawURL) } catch { errors["url"] = error.fields?["url"] }
        } else {
            errors["url"] = "is required"
        }
        var events: [WebhookEvent] = []
        if let names, !names.isEmpty {
            for name in names {
                guard let event = WebhookEvent(rawValue: name) else {
                    errors["events"] = "must list events of \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))"
                    break
                }
                if !events.contains(event) { events.append(event) }
            }
        } else {
            errors["events"] = "must list at least one event"
        }
        let format = WebhookFormat(rawValue: rawFormat ?? WebhookFormat.json.rawValue)
        if format == nil { errors["format"] = "must be one of json, slack, discord" }
        if errors.isEmpty, let url, await !urls.resolvesPublicly(url) {
            errors["url"] = "must reach a public address (not loopback, private or link-local)"
        }
        guard errors.isEmpty, let url, let format else { throw AppError.validation(errors) }
        do {
            return try await database.createWebhook(
                userID: user.userID, url: url.absoluteString, events: events, format: format, secret: "whsec_" + SecureRandom.token(bytes: 32),
                logging: SecurityEvent(.webhookCreated, ip: ip, detail: url.absoluteString), now: clock.now)
        } catch WebhookConflict.tooMany {
            throw Self.tooMany
        }
    }

    func list(for user: UserRecord) async throws -> [WebhookRecord] {
        try await database.webhooks(userID: user.userID)
    }

    func delete(_ id: Int64, for user: UserRecord, ip: String) async throws {
        guard try await database.deleteWebhook(userID: user.userID, id: id, ip: ip, now: clock.now) else { throw Self.notFound }
    }

    func attempts(of id: Int64, for user: UserRecord) async throws -> [WebhookAttempt] {
        guard let attempts = try await database.webhookAttempts(userID: user.userID, id: id) else { throw Self.notFound }
        return attempts
    }
}
