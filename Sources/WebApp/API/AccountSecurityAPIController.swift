import Foundation
import Hummingbird

/// `/api/v1/me/2fa` and `/api/v1/me/sessions` (SPEC §13): two-factor enrolment and
/// turning it off; the user's sessions and revoking one.
struct AccountSecurityAPIController: Sendable {
    let accounts: AccountService

    private var twoFactor: TwoFactorService { accounts.twoFactor }

    struct EnrolmentJSON: Encodable {
        let secret: String
        let otpauthUri: String
    }

    struct SessionJSON: Encodable {
        let id: Int64
        let device: String
        @NullWhenAbsent var ip: String?
        let createdAt: Date
        let lastSeenAt: Date
        let current: Bool
    }

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.post("me/2fa") { _, context in
            let enrolment = try await twoFactor.begin(for: context.user)
            return try APIResponse.json(EnrolmentJSON(secret: enrolment.secret, otpauthUri: enrolment.uri), status: .created)
        }
        router.post("me/2fa/confirm") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let code = body.string("code", required: true)
            try body.checked()
            return try APIResponse.json(["recovery_codes": try await twoFactor.confirm(for: context.user, code: code, ip: context.clientIP)])
        }
        router.delete("me/2fa") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (password, code) = (body.string("password", required: true), body.string("code", required: true))
            try body.checked()
            try await twoFactor.disable(for: context.user, password: password, code: code, ip: context.clientIP)
            return Response(status: .noContent)
        }
        router.get("me/sessions") { _, context in
            let items = try await accounts.sessions(of: context.user).map {
                SessionJSON(id: $0.id, device: $0.device, ip: $0.ip, createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, current: $0.id == context.signInSessionID)
            }
            return try APIResponse.json(["items": items])
        }
        router.delete("me/sessions/:id") { _, context in
            try await accounts.revokeSession(try PathID.parse(context, notFound: AppError.sessionNotFound), of: context.user, ip: context.clientIP)
            return Response(status: .noContent)
        }
    }
}
