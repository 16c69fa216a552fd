import Domain
import Foundation
import Hummingbird
import Templates

/// `/admin`: the user overview with search as you type, sorting and paging (fragment
/// swaps that keep the URL shareable, plain links without JavaScript), and role and
/// state changes that swap the row in place. An action that fails shows its reason in
/// the row it was meant for; without JavaScript the page comes back with the search,
/// sort and page it was on (the row's form carries them).
struct AdminPagesController: Sendable {
    let admin: AdminService
    let database: any SecurityLogStorage & AccountStorage
    let views: Views

    func addRoutes(to router: RouterGroup<AdminContext>) {
        router.get("admin") { request, context in
            let form = FormData(query: request)
            let query = try AdminService.Query(search: form["q"], sort: form["sort"], page: form["page"])
            let page = try await admin.page(query)
            return try views.page("pages/admin", fragments: ["admin_table"], values(page, query: query, viewer: context.admin), context: context)
        }
        router.get("admin/users/:id/security-log") { _, context in
            let id = try PathID.parse(context, notFound: .notFound)
            guard let user = try await database.user(id: id) else { throw AppError.notFound }
            return try views.page(
                "pages/admin_security_log",
                ["username": .string(user.username), "two_factor": .bool(user.twoFactor), "security_log": .array(try await database.securityLog(userID: id).map(\.templateValue))],
                context: context)
        }
        router.post("admin/users/:id") { request, context in
            let id = try PathID.parse(context, notFound: .notFound)
            let form = try await FormData.read(request, context: context)
            let back = (try? AdminService.Query(search: form["q"], sort: form["sort"], page: form["page"])) ?? AdminService.Query()
            do {
                let change = try Self.change(form)
                let row = try await admin.update(
                    id, by: context.admin, isAdmin: change.isAdmin, disabled: change.disabled, resetTwoFactor: change.resetTwoFactor, ip: context.clientIP)
                guard context.isHXRequest else {
                    return WebResponse.redirect(to: Self.url(q: back.search, sort: back.sortParameter, page: back.page), context: context)
                }
                return try rowFragment(row, back: back, error: nil, status: .ok, context: context)
            } catch let error as AppError where error.status != .notFound {
                let message = error.fields?.values.first.map { "Action \($0)." } ?? error.message
                guard context.isHXRequest else {
                    return try views.page("pages/admin", status: error.status, values(try await admin.page(back), query: back, viewer: context.admin, failed: (id, message)), context: context)
                }
                return try rowFragment(try await admin.row(id), back: back, error: message, status: error.status, context: context)
            }
        }
    }

    private static func change(_ form: FormData) throws(AppError) -> (isAdmin: Bool?, disabled: Bool?, resetTwoFactor: Bool) {
        switch form["action"] {
        case "promote": (true, nil, false)
        case "demote": (false, nil, false)
        case "disable": (nil, true, false)
        case "enable": (nil, false, false)
        case "reset_2fa": (nil, nil, true)
        default: throw AppError.validation("action", "must be promote, demote, disable, enable or reset_2fa")
        }
    }

    private func rowFragment(
        _ row: AdminUserRow, back: AdminService.Query, error: String?, status: HTTPResponse.Status, context: AdminContext
    ) throws -> Response {
        try views.fragments(
            "pages/admin_row", ["admin_row"], status: status,
            ["row": Self.rowValues(row, viewer: context.admin, now: admin.clock.now, error: error), "q": .string(back.search),
             "sort": .string(back.sortParameter), "page": .int(back.page)], context: context)
    }

    private func values(_ page: AdminService.Page, query: AdminService.Query, viewer: UserRecord, failed: (id: Int64, message: String)? = nil) -> [String: TemplateValue] {
        let now = admin.clock.now
        let columns: [(AdminSort, String)] = [(.created, "Created"), (.lastActive, "Last active"), (.focus7d, "Focus 7 d"), (.xp, "Level")]
        let sortColumns: [TemplateValue] = columns.map { sort, label in
            let active = query.sort == sort
            let nextDescending = active ? !query.descending : true
            return [
                "label": .string(label), "active": .bool(active), "direction": .string(query.descending ? "descending" : "ascending"),
                "url": .string(Self.url(q: query.search, sort: (nextDescending ? "-" : "") + sort.rawValue, page: 1)),
            ]
        }
        return [
            "rows": .array(page.rows.map { row in
                Self.rowValues(row, viewer: viewer, now: now, error: failed.flatMap { $0.id == row.user.userID ? $0.message : nil })
            }),
            "totals": [
                "users": .int(page.totals.users), "active_7d": .int(page.totals.active7d), "tasks": .int(page.totals.tasks),
                "focus_hours": .double(page.totals.focusSeconds / 3600),
            ],
            "q": .string(query.search), "sort": .string(query.sortParameter), "sort_columns": .array(sortColumns),
            "page": .int(page.page), "pages": .int(page.pages), "matching": .int(page.matching),
            "prev_url": page.page > 1 ? .string(Self.url(q: query.search, sort: query.sortParameter, page: page.page - 1)) : .null,
            "next_url": page.page < page.pages ? .string(Self.url(q: query.search, sort: query.sortParameter, page: page.page + 1)) : .null,
        ]
    }

    /// A row's values; `error` is why an action on it failed.
    static func rowValues(_ row: AdminUserRow, viewer: UserRecord, now: Date, error: String? = nil) -> TemplateValue {
        [
            "id": .int(Int(row.user.userID)), "username": .string(row.user.username), "is_admin": .bool(row.user.isAdmin),
            "disabled": .bool(row.user.disabled), "two_factor": .bool(row.user.twoFactor), "created_at": .date(row.user.createdAt), "last_active_at": row.user.lastActiveAt.templateValue,
            "todo": .int(row.todo), "in_progress": .int(row.inProgress), "done": .int(row.done),
            "focus_7d": .int(Int(row.focusSeconds7d / 60)), "focus_total": .int(Int(row.focusSecondsTotal / 60)),
            "streak": .int(AdminService.currentStreak(row, now: now)), "level": .int(row.user.level), "xp": .int(row.user.xp),
            "is_self": .bool(row.user.id == viewer.id), "error": error.templateValue,
        ]
    }

    static func url(q: String, sort: String, page: Int) -> String {
        QueryString.link("/admin", [("q", q), ("sort", sort == "-created" ? "" : sort), ("page", page == 1 ? "" : String(page))])
    }
}
