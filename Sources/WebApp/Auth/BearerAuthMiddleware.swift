import Hummingbird

/// API authentication: only `Authorization: Bearer <access token>`; cookies are ignored
/// on `/api/v1`, so a browser session can never act through the API (no CSRF there).
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: AccountService

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if let (user, _) = try await accounts.authenticate(accessToken: token) {
                context.user = user
            }
        }
        return try await next(request, context)
    }
}
