import Foundation
import Hummingbird

/// `/api/v1/tokens`: the signed-in user's personal access tokens (SPEC §11).
struct AccessTokenAPIController: Sendable {
    let tokens: AccessTokenService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.post("tokens") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let name = body.string("name", required: true)
            let scopes = body.strings("scopes")
            if scopes == nil, body.problems["scopes"] == nil { body.refuse("scopes", because: "is required") }
            let days = body.integer("expires_in_days")
            try body.checked()
            let (record, secret) = try await tokens.create(for: context.user, name: name, scopes: scopes, expiresInDays: days, ip: context.clientIP)
            return try APIResponse.json(AccessTokenJSON(record, secret: secret), status: .created)
        }
        api.get("tokens") { _, context in
            try APIResponse.json(["items": try await tokens.list(for: context.user).map { AccessTokenJSON($0, secret: nil) }])
        }
        api.delete("tokens/:id") { _, context in
            try await tokens.revoke(try PathID.parse(context, notFound: AccessTokenService.notFound), for: context.user, ip: context.clientIP)
            return Response(status: .noContent)
        }
    }
}

/// A token as the API shows it; `token` (the secret) only when it was just made.
struct AccessTokenJSON: Encodable {
    let id: Int64
    let name: String
    let scopes: [String]
    /// Shown once, when created; left out of listings.
    let token: String?
    let createdAt: Date
    @NullWhenAbsent var expiresAt: Date?
    @NullWhenAbsent var lastUsedAt: Date?

    init(_ record: AccessTokenRecord, secret: String?) {
        id = record.id
        name = record.name
        scopes = record.scopes.map(\.rawValue)
        token = secret
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        lastUsedAt = record.lastUsedAt
    }
}
