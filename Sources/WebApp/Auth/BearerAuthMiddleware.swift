import Hummingbird

/// API authentication: only `Authorization: Bearer <token>`; cookies are ignored on
/// `/api/v1`, so a browser session can never act through the API (no CSRF there).
///
/// The token is a login's access token (everything the user may do) or a personal access
/// token (`fqp_…`), whose scopes are checked here against ``RouteScope`` before any route
/// runs: 403 `insufficient_scope` when they do not cover it.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService
    let accessTokens: AccessTokenService
    let reads: SignedInReads

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = Self.token(in: request.headers) {
            if token.hasPrefix(AccessTokenService.prefix) {
                if let (user, scopes) = try await accessTokens.authenticate(token) {
                    guard RouteScope.required(method: request.method.rawValue, path: request.uri.path).allows(scopes) else { throw RouteScope.insufficient }
                    context.user = user
                }
            } else if let read = reads.read(for: request, context: context) {
                if let signedIn = try await accounts.authenticate(accessToken: token, reading: read) {
                    context.signIn(signedIn.user, session: signedIn.claims.sid)
                    context.signedInPage = signedIn.page
                }
            } else if let (user, claims) = try await accounts.authenticate(accessToken: token) {
                context.signIn(user, session: claims.sid)
            }
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
    static func token(in headers: HTTPFields) -> String? {
        guard let header = headers[.authorization], header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }
}
