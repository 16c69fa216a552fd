import Hummingbird
import HTTPTypes
import NIOCore

/// Behind a reverse proxy (`TRUSTED_PROXIES`): a request whose connection comes from one of
/// the proxies is counted, limited and logged under the client's address the proxy names —
/// `X-Real-IP`, or else the last `X-Forwarded-For` entry that is not itself a proxy. Anyone
/// else's headers are ignored (a client cannot pick its own address to dodge a limit).
struct ForwardedClientMiddleware: RouterMiddleware {
    let proxies: Set<String>

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard proxies.contains(context.clientIP), let client = client(named: request.headers) else { return try await next(request, context) }
        var context = context
        context.clientIP = client
        return try await next(request, context)
    }

    func client(named headers: HTTPFields) -> String? {
        if let real = headers[.xRealIP], let address = Self.address(real) { return address }
        let hops = headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }.compactMap { Self.address(String($0)) }
        return hops.last { !proxies.contains($0) }
    }

    /// `text` as an IP address in its usual spelling, or nil when it is not one.
    static func address(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 45, let address = try? SocketAddress(ipAddress: trimmed, port: 0) else { return nil }
        return address.ipAddress
    }
}

extension HTTPField.Name {
    static let xRealIP = Self("X-Real-IP")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
