import Domain
import Foundation
import Hummingbird

/// The access-tokens section of `/settings` (SPEC §11): create (the secret shown once),
/// list, revoke. Each form swaps the section in place; without JavaScript it answers the
/// whole settings page, anchored at the section.
struct ToolPagesController: Sendable {
    let streaks: StreakService
    let tokens: AccessTokenService
    let views: Views

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.post("settings/tokens") { request, context in
            let form = try await FormData.read(request, context: context)
            let write = form["scope"] == "write"
            let days = form["expires_in_days"].flatMap { $0.isEmpty ? nil : Int($0) }
            var shown = TokensSection(name: form["name"] ?? "", write: write, expiresInDays: days)
            do {
                let (record, secret) = try await tokens.create(
                    for: context.user, name: form["name"], scopes: write ? ["read", "write"] : ["read"], expiresInDays: days, ip: context.clientIP)
                return try await section(context, TokensSection(notice: "Token “\(record.name)” created.", secret: secret))
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
                shown.errors = error.fields ?? [:]
                if error.status == .conflict || shown.errors.keys.contains(where: { $0 != "name" }) { shown.error = error.message }
                return try await section(context, shown, status: error.status)
            }
        }
        router.post("settings/tokens/:id/revoke") { _, context in
            do {
                try await tokens.revoke(try PathID.parse(context, notFound: AccessTokenService.notFound), for: context.user, ip: context.clientIP)
            } catch let error as AppError where error.status == .notFound {
                return try await section(context, TokensSection(error: "That token was already revoked."), status: .notFound)
            }
            return try await section(context, TokensSection(notice: "Token revoked; tools using it stop working."))
        }
    }

    private func section(_ context: AuthenticatedContext, _ tokens: TokensSection, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["tokens_section"], status: status, page.values(tokens: tokens), context: context)
    }
}

/// The webhooks section of `/settings` (SPEC §11): add (the signing secret shown once),
/// list with the last deliveries, delete.
struct WebhookPagesController: Sendable {
    let streaks: StreakService
    let webhooks: WebhookService
    let views: Views

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.post("settings/webhooks") { request, context in
            let form = try await FormData.read(request, context: context)
            let events = WebhookEvent.allCases.filter { form[WebhooksSection.field($0)] != nil }
            var shown = WebhooksSection(
                url: form["url"] ?? "", events: Set(events), format: WebhookFormat(rawValue: form["format"] ?? "") ?? .json)
            do {
                let record = try await webhooks.create(
                    for: context.user, url: form["url"], events: events.map(\.rawValue), format: form["format"], ip: context.clientIP)
                return try await section(context, WebhooksSection(notice: "Webhook to \(record.url) added.", secret: record.secret))
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
                shown.errors = error.fields ?? [:]
                if error.status == .conflict || shown.errors["format"] != nil { shown.error = error.message }
                return try await section(context, shown, status: error.status)
            }
        }
        router.post("settings/webhooks/:id/delete") { _, context in
            do {
                try await webhooks.delete(try PathID.parse(context, notFound: WebhookService.notFound), for: context.user, ip: context.clientIP)
            } catch let error as AppError where error.status == .notFound {
                return try await section(context, WebhooksSection(error: "That webhook was already deleted."), status: .notFound)
            }
            return try await section(context, WebhooksSection(notice: "Webhook deleted."))
        }
    }

    private func section(_ context: AuthenticatedContext, _ hooks: WebhooksSection, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["webhooks_section"], status: status, page.values(hooks: hooks), context: context)
    }
}
