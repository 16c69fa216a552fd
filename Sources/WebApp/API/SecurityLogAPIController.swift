import Foundation
import Hummingbird

/// `GET /api/v1/me/security-log` and, for admins, `GET /api/v1/admin/users/{id}/security-log`
/// (SPEC §13): the newest entries first.
struct SecurityLogAPIController: Sendable {
    let database: any SecurityLogStorage & AccountStorage

    func addRoutes(user: RouterGroup<AuthenticatedContext>, admin: RouterGroup<AdminContext>) {
        user.get("me/security-log") { _, context in
            try APIResponse.json(["items": try await database.securityLog(userID: context.user.userID).map(SecurityLogJSON.init)])
        }
        admin.get("admin/users/:id/security-log") { _, context in
            let id = try PathID.parse(context, notFound: .notFound)
            guard try await database.user(id: id) != nil else { throw AppError.notFound }
            return try APIResponse.json(["items": try await database.securityLog(userID: id).map(SecurityLogJSON.init)])
        }
    }
}

struct SecurityLogJSON: Encodable {
    let at: Date
    let event: String
    @NullWhenAbsent var ip: String?
    @NullWhenAbsent var detail: String?

    init(_ entry: SecurityLogEntry) {
        at = entry.at
        event = entry.event
        ip = entry.ip
        detail = entry.detail
    }
}
