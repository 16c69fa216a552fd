import Hummingbird

/// The `{id}` path parameter of a route; anything that is not a positive integer is
/// the route's "not found", so malformed ids leak nothing.
enum PathID {
    static func parse(_ context: some RequestContext, notFound: AppError = .taskNotFound) throws(AppError) -> Int64 {
        guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else { throw notFound }
        return id
    }
}
