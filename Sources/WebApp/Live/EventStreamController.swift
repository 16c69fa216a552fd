import Domain
import Foundation
import Hummingbird
import ServiceLifecycle

/// `GET /events` (the page session's cookie) and `GET /api/v1/events` (a Bearer token,
/// a personal access token with `read` included): the user's changes as Server-Sent
/// Events (SPEC §12). Every stream starts with `sync`; the hub's heartbeat comment keeps
/// proxies from closing it (and finds a client that left); it closes when its token stops
/// being valid — at once on a sign-out everywhere, a revoked session or token or a
/// disabled account (the hub says so), and at the token's expiry — and when the server
/// stops.
struct EventStreamController: Sendable {
    let hub: any EventHub
    let renderer: LiveEventRenderer
    let accounts: AccountService
    let accessTokens: AccessTokenService

    /// How a stream learns whether its token still holds.
    struct Credential: Sendable {
        let stillValid: @Sendable () async -> Bool
        let expires: Date?
    }

    func addRoutes(web: RouterGroup<AppRequestContext>, api: RouterGroup<AppRequestContext>) {
        web.get("events") { request, context in
            guard let user = context.user, let token = CookieHeader.value(WebSessionMiddleware.sessionCookie, in: request) else {
                return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: AppError.notAuthenticated.message)))
            }
            return try await stream(for: user, credential: await loginCredential(token))
        }
        api.get("events") { request, context in
            guard let user = context.user, let header = request.headers[.authorization] else { throw AppError.notAuthenticated }
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if token.hasPrefix(AccessTokenService.prefix) {
                let credential = Credential(
                    stillValid: { (try? await accessTokens.authenticate(token)) != nil }, expires: try accessTokens.expiry(of: token))
                return try await stream(for: user, credential: credential)
            }
            return try await stream(for: user, credential: await loginCredential(token))
        }
    }

    private func loginCredential(_ token: String) async -> Credential {
        Credential(stillValid: { (try? await accounts.authenticate(accessToken: token)) != nil }, expires: await accounts.tokens.verify(token)?.exp.value)
    }

    private func stream(for user: UserRecord, credential: Credential) async throws -> Response {
        // Connected before `sync` is read, so a change in between is not missed (it
        // follows the sync, at worst saying again what the sync said).
        let connection = hub.connect(userID: user.userID, expires: credential.expires)
        let sync: LiveEvent
        do {
            sync = try await renderer.sync(for: user)
        } catch {
            connection.close()
            throw error
        }
        let body = ResponseBody { writer in
            defer { connection.close() }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n" + sync.wire))
            try await withGracefulShutdownHandler {
                for await signal in connection.signals {
                    switch signal {
                    case .events(let events): try await writer.write(ByteBuffer(string: events.map(\.wire).joined()))
                    case .heartbeat: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .recheck: if await !credential.stillValid() { return }
                    }
                }
            } onGracefulShutdown: {
                connection.close()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", .xAccelBuffering: "no"],
            body: body)
    }
}
