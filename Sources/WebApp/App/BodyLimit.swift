import Hummingbird

/// The one request body limit (SPEC §5): 1 MiB. Declared lengths over it are refused
/// before any of the body is read; bodies without a length (chunked) hit it when a route
/// collects them, through every context's `maxUploadSize`.
enum BodyLimit {
    static let bytes = 1 << 20
}

/// 413 for a declared body over the limit before any of it is read (imports have their
/// own, larger limit: ``ImportLimit``).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > BodyLimit.bytes {
            guard ImportLimit.paths.contains(request.uri.path) else { throw AppError.tooLarge }
            if length > ImportLimit.bytes { throw AppError.importTooLarge }
        }
        return try await next(request, context)
    }
}
