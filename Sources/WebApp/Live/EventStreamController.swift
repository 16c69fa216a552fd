import Hummingbird

/// The router's side of `GET /events` (the page session's cookie) and `GET /api/v1/events`
/// (a Bearer token; a personal access token needs `read`). A stream itself never reaches
/// the router: ``EventStreamHandler`` serves it on the connection's channel once
/// ``EventStreamGate`` admits it. What the gate does not admit comes here and is refused
/// in the usual form — 401 without a valid token (plain text for the page script's
/// `EventSource`), 403 for a token without the scope (the API middleware's answer) — and,
/// should the token hold here after all (the gate could not read the stream's first
/// state), 503 with `Retry-After`: the client's `EventSource` tries again.
struct EventStreamController: Sendable {
    static let unavailable = AppError(
        .serviceUnavailable, "stream_unavailable", "The live stream could not be opened; it will be tried again.", retryAfter: 2)

    func addRoutes(web: RouterGroup<AppRequestContext>, api: RouterGroup<AppRequestContext>) {
        web.get("events") { _, context -> Response in
            guard context.user != nil else {
                return Response(
                    status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: AppError.notAuthenticated.message)))
            }
            throw Self.unavailable
        }
        api.get("events") { _, context -> Response in
            guard context.user != nil else { throw AppError.notAuthenticated }
            throw Self.unavailable
        }
    }
}
