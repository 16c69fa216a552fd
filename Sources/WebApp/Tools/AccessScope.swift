/// What a personal access token may do (SPEC §11). `write` includes `read`.
enum AccessScope: String, Sendable, CaseIterable, Comparable {
    case read, write

    static func < (lhs: AccessScope, rhs: AccessScope) -> Bool { lhs == .read && rhs == .write }

    /// The scopes a request names, as stored and answered: `["write"]` is `["read", "write"]`.
    static func parse(_ names: [String]) throws(AppError) -> [AccessScope] {
        guard !names.isEmpty else { throw AppError.validation("scopes", "must name read, or read and write") }
        var scopes: Set<AccessScope> = []
        for name in names {
            guard let scope = AccessScope(rawValue: name) else { throw AppError.validation("scopes", "must name read, or read and write (not \(name))") }
            guard scopes.insert(scope).inserted else { throw AppError.validation("scopes", "must not name a scope twice") }
        }
        if scopes.contains(.write) { scopes.insert(.read) }
        return scopes.sorted()
    }
}

/// The scope each API route needs from a personal access token: one rule for every route,
/// so a new route cannot forget its scope (a test walks the router's routes against it,
/// and the OpenAPI document's `security` of each operation is written from it).
enum RouteScope: Equatable, Sendable {
    case read
    case write
    /// Only a signed-in session (a login's access token), never a personal access token:
    /// managing tokens, webhooks, 2FA, sessions, the security log, the password, logging
    /// out, and every admin route.
    case sessionOnly

    static let sessionOnlyPaths = [
        "/api/v1/tokens", "/api/v1/webhooks", "/api/v1/me/2fa", "/api/v1/me/sessions", "/api/v1/me/security-log", "/api/v1/me/password",
        "/api/v1/auth/logout", "/api/v1/admin", "/api/v1/test",
    ]

    static func required(method: String, path: String) -> RouteScope {
        if sessionOnlyPaths.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { return .sessionOnly }
        return ["GET", "HEAD"].contains(method.uppercased()) ? .read : .write
    }

    /// Whether a token with `scopes` may use a route needing this.
    func allows(_ scopes: [AccessScope]) -> Bool {
        switch self {
        case .read: scopes.contains(.read)
        case .write: scopes.contains(.write)
        case .sessionOnly: false
        }
    }

    /// The name the OpenAPI document gives it (`security: [{bearer: [name]}]`).
    var documentName: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .sessionOnly: "session"
        }
    }

    static let insufficient = AppError(.forbidden, "insufficient_scope", "This token may not do that; use a token with more scope, or sign in.")
}
