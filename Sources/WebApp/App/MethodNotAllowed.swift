import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each route pattern answers, recorded once every route is added.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(path: RouterPath, method: HTTPRequest.Method)]>([])

    func record(_ routes: [(RouterPath, HTTPRequest.Method)]) {
        self.routes.withLock { $0 = routes.map { (path: $0.0, method: $0.1) } }
    }

    /// The methods of the route pattern the router would choose for `path`, in a stable
    /// order. Like the router, a literal component wins over a capture at the same place
    /// (`/friends/requests` is not `/friends/:id`).
    func allowed(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = routes.withLock { routes in
            let matching = routes.filter { route in
                route.path.components.count == parts.count && zip(route.path.components, parts).allSatisfy { $0 ~= $1 }
            }
            guard let best = matching.map({ Self.literals(in: $0.path) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [HTTPRequest.Method]() }
            return matching.filter { Self.literals(in: $0.path) == best }.map(\.method)
        }
        // HEAD is answered wherever GET is (the router generates it when it is built).
        let names = Set(methods.map(\.rawValue) + (methods.contains(.get) ? ["HEAD"] : []))
        return names.sorted().compactMap { HTTPRequest.Method($0) }
    }
}

extension RouteMethods {
    /// 1 for each literal component, 0 for a capture or wildcard: compared in order, the
    /// larger is the more specific pattern.
    fileprivate static func literals(in path: RouterPath) -> [Int] {
        path.components.map { $0 == $0.description ? 1 : 0 }
    }
}

/// A path that exists with other methods answers 405 with an `Allow` header (RFC 9110
/// §15.5.6) instead of the router's 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let methods: RouteMethods

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods.allowed(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var refusal = AppError(.methodNotAllowed, "method_not_allowed", "This address does not take \(request.method.rawValue) requests.")
            refusal.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            throw refusal
        }
    }
}
