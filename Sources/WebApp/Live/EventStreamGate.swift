import Foundation
import HTTPTypes

/// Who may open an event stream (SPEC §12), decided before the stream is taken over at
/// the channel (``EventStreamHandler``): `GET /events` with the page session's cookie,
/// `GET /api/v1/events` with a Bearer token — a login's access token, or a personal
/// access token whose scopes allow the route. The same checks as the routes' middleware
/// (``WebSessionMiddleware``, ``BearerAuthMiddleware``); a request it does not admit goes
/// on to the router, whose `events` routes answer it (401, 403) in the app's usual form.
///
/// A class, shared by every connection: a handler keeps a reference, not a copy of the
/// services (thousands of open streams each keep one).
final class EventStreamGate: Sendable {
    let hub: any EventHub
    let renderer: LiveEventRenderer
    let accounts: AccountService
    let accessTokens: AccessTokenService

    /// Which of the two streams a request asks for, if any.
    enum Door: Sendable {
        case page, api

        /// Every request is asked, so nothing is allocated to answer.
        init?(_ head: HTTPRequest) {
            guard head.method == .get, let target = head.path else { return nil }
            switch target[..<(target.firstIndex(of: "?") ?? target.endIndex)] {
            case "/events": self = .page
            case "/api/v1/events": self = .api
            default: return nil
            }
        }
    }

    /// Streams being admitted at once (each reads its token's user and its sync).
    static let admissionsAtOnce = 16
    private let line = AdmissionLine(width: admissionsAtOnce)

    init(hub: any EventHub, renderer: LiveEventRenderer, accounts: AccountService, accessTokens: AccessTokenService) {
        self.hub = hub
        self.renderer = renderer
        self.accounts = accounts
        self.accessTokens = accessTokens
    }

    /// The token a stream was opened with, checked again when the hub says the user's
    /// access changed (``stillValid(_:)``).
    struct Credential: Sendable {
        let token: String
        let isPersonal: Bool
        let expires: Date?
    }

    /// An admitted stream: its user, its token's checks, and the hub connection made
    /// before `sync` was read (so a change in between is not missed: it follows the sync,
    /// at worst saying again what the sync said).
    struct Opening: Sendable {
        let userID: Int64
        let credential: Credential
        let connection: LiveConnection
        let sync: LiveEvent
    }

    /// Hands `then` the stream's opening, or nil when the router should answer the request
    /// instead (no valid token, a scope that does not allow it, or the sync could not be
    /// read), once the stream's turn in the admission line came.
    func open(_ door: Door, headers: HTTPFields, sink: @escaping LiveSink, then: @escaping @Sendable (Opening?) -> Void) {
        line.enqueue { then(await self.open(door, headers: headers, sink: sink)) }
    }

    private func open(_ door: Door, headers: HTTPFields, sink: @escaping LiveSink) async -> Opening? {
        guard let (user, credential) = try? await admit(door, headers: headers) else { return nil }
        let connection = hub.connect(userID: user.userID, expires: credential.expires, sink: sink)
        guard let sync = try? await renderer.sync(for: user) else {
            connection.close()
            return nil
        }
        return Opening(userID: user.userID, credential: credential, connection: connection, sync: sync)
    }

    private func admit(_ door: Door, headers: HTTPFields) async throws -> (UserRecord, Credential)? {
        switch door {
        case .page:
            guard let token = CookieHeader.value(WebSessionMiddleware.sessionCookie, in: headers) else { return nil }
            return try await loginToken(token)
        case .api:
            guard let token = BearerAuthMiddleware.token(in: headers) else { return nil }
            guard token.hasPrefix(AccessTokenService.prefix) else { return try await loginToken(token) }
            guard let (user, scopes) = try await accessTokens.authenticate(token),
                RouteScope.required(method: "GET", path: "/api/v1/events").allows(scopes)
            else { return nil }
            return (user, Credential(token: token, isPersonal: true, expires: try await accessTokens.expiry(of: token)))
        }
    }

    private func loginToken(_ token: String) async throws -> (UserRecord, Credential)? {
        guard let (user, claims) = try await accounts.authenticate(accessToken: token) else { return nil }
        return (user, Credential(token: token, isPersonal: false, expires: claims.exp.value))
    }

    /// Whether the stream's token still holds (signed out everywhere, a revoked session or
    /// token, a disabled account: not).
    func stillValid(_ credential: Credential) async -> Bool {
        if credential.isPersonal { return (try? await accessTokens.authenticate(credential.token)) != nil }
        return (try? await accounts.authenticate(accessToken: credential.token)) != nil
    }
}
