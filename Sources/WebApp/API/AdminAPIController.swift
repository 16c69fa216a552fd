import Domain
import Foundation
import Hummingbird

/// `/api/v1/admin/users`: the overview and role/state changes, admins only.
struct AdminAPIController: Sendable {
    let admin: AdminService

    struct ItemJSON: Encodable {
        struct Tasks: Encodable { let todo: Int; let inProgress: Int; let done: Int }
        let id: Int64
        let username: String
        let isAdmin: Bool
        let disabled: Bool
        let twoFactor: Bool
        let createdAt: Date
        @NullWhenAbsent var lastActiveAt: Date?
        let tasks: Tasks
        let focusMinutes7d: Int
        let focusMinutesTotal: Int
        let currentStreak: Int
        let xp: Int
        let level: Int

        init(_ row: AdminUserRow, now: Date) {
            id = row.user.userID
            username = row.user.username
            isAdmin = row.user.isAdmin
            disabled = row.user.disabled
            twoFactor = row.user.twoFactor
            createdAt = row.user.createdAt
            lastActiveAt = row.user.lastActiveAt
            tasks = Tasks(todo: row.todo, inProgress: row.inProgress, done: row.done)
            focusMinutes7d = Int(row.focusSeconds7d / 60)
            focusMinutesTotal = Int(row.focusSecondsTotal / 60)
            currentStreak = AdminService.currentStreak(row, now: now)
            xp = row.user.xp
            level = row.user.level
        }

        enum CodingKeys: String, CodingKey {
            case id, username, isAdmin, disabled, twoFactor, createdAt, lastActiveAt, tasks, focusMinutes7d = "focusMinutes_7d", focusMinutesTotal, currentStreak, xp, level
        }
    }

    struct PageJSON: Encodable {
        struct Totals: Encodable { let users: Int; let active7d: Int; let tasks: Int; let focusMinutes: Int
            enum CodingKeys: String, CodingKey { case users, active7d = "active_7d", tasks, focusMinutes }
        }
        let items: [ItemJSON]
        let page: Int
        let pages: Int
        let total: Int
        let totals: Totals
    }

    func addRoutes(to api: RouterGroup<AdminContext>) {
        api.get("admin/users") { request, _ in
            let query = FormData(query: request)
            let page = try await admin.page(try AdminService.Query(search: query["q"], sort: query["sort"], page: query["page"]))
            let now = admin.clock.now
            return try APIResponse.json(PageJSON(
                items: page.rows.map { ItemJSON($0, now: now) }, page: page.page, pages: page.pages, total: page.matching,
                totals: .init(users: page.totals.users, active7d: page.totals.active7d, tasks: page.totals.tasks, focusMinutes: Int(page.totals.focusSeconds / 60))))
        }
        api.patch("admin/users/:id") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (isAdmin, disabled, resetTwoFactor) = (body.bool("is_admin"), body.bool("disabled"), body.bool("reset_2fa"))
            try body.checked()
            let row = try await admin.update(
                try PathID.parse(context, notFound: .notFound), by: context.admin, isAdmin: isAdmin, disabled: disabled, resetTwoFactor: resetTwoFactor == true,
                ip: context.clientIP)
            return try APIResponse.json(ItemJSON(row, now: admin.clock.now))
        }
    }
}
