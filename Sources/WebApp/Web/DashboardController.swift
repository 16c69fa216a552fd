import Domain
import Foundation
import Hummingbird
import Templates

/// The dashboard's task list: quick add, status tabs, search as you type, status
/// changes, inline edit, delete and "load more". Each is a fragment swap with the page
/// script and a plain form post (303 back to the dashboard) without it.
struct DashboardController: Sendable {
    let tasks: TaskService
    let focus: FocusService
    let views: Views

    static let pageSize = 20

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("dashboard") { request, context in
            let query = FormData(query: request)
            let filter = Filter(status: query["status"] ?? "", q: query["q"] ?? "")
            let taskQuery = try Self.taskQuery(request)
            if context.isHXRequest {
                var values = dashboardValues(context.user, page: try await tasks.page(userID: context.user.userID, taskQuery), filter: filter)
                if query["cursor"] != nil { return try views.fragments("pages/dashboard", ["task_page"], values, context: context) }
                values["oob"] = true
                return try views.fragments("pages/dashboard", ["task_list", "filter_status"], values, context: context)
            }
            let read =
                if case .dashboard(let signedIn)? = context.signedInPage {
                    try await focus.dashboard(signedIn, for: context.user, tasks: taskQuery)
                } else {
                    try await focus.dashboard(for: context.user, tasks: taskQuery)
                }
            // A timer that ran out while the tab was closed was just counted: show its XP.
            let user = read.dashboard.snapshot.settledNow == nil ? context.user : try await focus.current(context.user)
            var values = dashboardValues(user, page: read.tasks, filter: filter)
            values.merge(FocusPanels.values(read.dashboard, user: user, now: focus.clock.now)) { own, _ in own }
            return try views.page("pages/dashboard", values, context: context)
        }
        router.post("tasks") { request, context in
            let form = try await FormData.read(request, context: context)
            let title = form["title"] ?? ""
            let created: TaskRecord
            do {
                created = try await tasks.create(userID: context.user.userID, title: title, description: nil, status: nil, estimate: nil)
            } catch let error as AppError where error.fields != nil {
                let page = try await tasks.list(userID: context.user.userID, status: nil, search: nil, limit: nil, cursor: nil, defaultLimit: Self.pageSize)
                var values = dashboardValues(context.user, page: page, filter: Filter(status: "", q: ""))
                values["new_title"] = .string(title)
                values["add_error"] = .string(error.fields?["title"] ?? error.message)
                guard context.isHXRequest else {
                    values.merge(FocusPanels.values(try await focus.dashboard(for: context.user), user: context.user, now: focus.clock.now)) { own, _ in own }
                    return try views.page("pages/dashboard", status: .unprocessableContent, values, context: context)
                }
                var response = try views.fragments("pages/dashboard", ["quick_add"], status: .unprocessableContent, values, context: context)
                response.headers[.hxRetarget] = "#quick-add"
                response.headers[.hxReswap] = "outerHTML"
                return response
            }
            guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
            let page = try await tasks.list(userID: context.user.userID, status: nil, search: nil, limit: nil, cursor: nil, defaultLimit: Self.pageSize)
            var values = dashboardValues(context.user, page: page, filter: Filter(status: "", q: ""))
            values["oob"] = true
            // The timer's task picker gains the new task too (when it shows: no live timer).
            var bytes = try views.render("pages/dashboard", ["task_list", "quick_add", "filter_status"], values, context: context)
            bytes += try views.render("pages/picker_option", ["picker_option"], ["new_task": ["id": .int(Int(created.taskID)), "title": .string(created.title)]], context: context)
            return Views.html(bytes, status: .ok)
        }
        router.post("tasks/:id/status") { request, context in
            let form = try await FormData.read(request, context: context)
            let updated = try await tasks.update(try PathID.parse(context), userID: context.user.userID, title: nil, description: nil, status: form["status"] ?? "", estimate: nil)
            guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
            var user = context.user
            user.xp += updated.xpEarned
            var bytes = try views.render("pages/task_row", ["task_row"], rowValues(updated.task), context: context)
            if updated.xpEarned > 0 {
                // New XP changes the header and the progress panel's level bar: both swap
                // out of band (one more read, only on a task's first completion).
                var values = FocusPanels.values(try await focus.dashboard(for: user), user: user, now: focus.clock.now)
                values["user"] = AccountPagesController.userValues(user)
                values["oob"] = true
                bytes += try views.render("pages/dashboard", ["progress_panel", "user_stats"], values, context: context)
            }
            return Views.html(bytes, status: .ok)
        }
        router.get("tasks/:id") { _, context in
            guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
            let task = try await tasks.task(try PathID.parse(context), userID: context.user.userID)
            return try views.fragments("pages/task_row", ["task_row"], rowValues(task), context: context)
        }
        router.get("tasks/:id/edit") { _, context in
            let task = try await tasks.task(try PathID.parse(context), userID: context.user.userID)
            return try views.page("pages/task_edit", fragments: ["task_edit"], editValues(task, form: nil, errors: [:]), context: context)
        }
        router.post("tasks/:id") { request, context in
            let id = try PathID.parse(context)
            let form = try await FormData.read(request, context: context)
            let estimateText = (form["estimate_pomodoros"] ?? "").trimmingWhitespace
            do {
                let estimate = estimateText.isEmpty ? nil : Int(estimateText)
                let known = estimateText.isEmpty || estimate != nil ? FieldErrors() : FieldErrors(["estimate_pomodoros": "must be a whole number"])
                let updated = try await tasks.update(
                    id, userID: context.user.userID, title: form["title"] ?? "", description: form["description"] ?? "", status: nil,
                    estimate: .some(estimate), known: known)
                guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
                return try views.fragments("pages/task_row", ["task_row"], rowValues(updated.task), context: context)
            } catch let error as AppError where error.fields != nil {
                let task = try await tasks.task(id, userID: context.user.userID)
                return try views.page("pages/task_edit", fragments: ["task_edit"], status: .unprocessableContent, editValues(task, form: form, errors: error.fields ?? [:]), context: context)
            }
        }
        router.post("tasks/:id/delete") { _, context in
            try await tasks.delete(try PathID.parse(context), userID: context.user.userID)
            guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
            return Views.html([], status: .ok)
        }
    }

    /// The task list's query of a dashboard request (status tab, search, cursor).
    static func taskQuery(_ request: Request) throws(AppError) -> TaskQuery {
        let query = FormData(query: request)
        return try TaskService.query(status: query["status"], search: query["q"], limit: nil, cursor: query["cursor"], defaultLimit: pageSize)
    }

    struct Filter {
        let status: String
        let q: String
    }

    private func dashboardValues(_ user: UserRecord, page: TaskPage, filter: Filter) -> [String: TemplateValue] {
        let statusTabs: [(String, String)] = [("", "All")] + TaskStatus.allCases.map { ($0.rawValue, $0.label) }
        let tabs: [TemplateValue] = statusTabs.map { value, label in
            ["url": .string(Self.url(status: value, q: filter.q, cursor: nil)), "label": .string(label), "active": .bool(value == filter.status)]
        }
        return [
            "user": AccountPagesController.userValues(user),
            "tasks": .array(page.items.map(TaskView.values)),
            "statuses": TaskView.statusOptions,
            "filter": ["status": .string(filter.status), "q": .string(filter.q)],
            "tabs": .array(tabs), "list_url": .string(Self.url(status: filter.status, q: filter.q, cursor: nil)),
            "next_url": page.nextCursor.map { .string(Self.url(status: filter.status, q: filter.q, cursor: TaskCursor.encode($0))) } ?? .null,
            "new_title": "", "add_error": .null, "oob": false, "row_oob": false,
        ]
    }

    private func rowValues(_ task: TaskRecord) -> [String: TemplateValue] {
        ["task": TaskView.values(task), "statuses": TaskView.statusOptions, "row_oob": false]
    }

    private func editValues(_ task: TaskRecord, form: FormData?, errors: [String: String]) -> [String: TemplateValue] {
        let kept: TemplateValue = [
            "title": .string(form?["title"] ?? task.title),
            "description": .string(form?["description"] ?? task.description),
            "estimate_pomodoros": .string(form?["estimate_pomodoros"] ?? task.estimatePomodoros.map(String.init) ?? ""),
        ]
        return ["task": TaskView.values(task), "form": kept, "errors": FormErrors.values(["title", "description", "estimate_pomodoros"], errors)]
    }

    static func url(status: String, q: String, cursor: String?) -> String {
        QueryString.link("/dashboard", [("status", status), ("q", q), ("cursor", cursor ?? "")])
    }
}

/// How templates see a task.
enum TaskView {
    static func values(_ task: TaskRecord) -> TemplateValue {
        [
            "id": .int(Int(task.taskID)), "title": .string(task.title), "description": .string(task.description),
            "status": .string(task.status.rawValue), "estimate_pomodoros": task.estimatePomodoros.templateValue,
            "total_minutes": .int(task.totalMinutes), "pomodoros": .int(task.pomodoros),
        ]
    }

    static let statusOptions: TemplateValue = .array(TaskStatus.allCases.map { ["value": .string($0.rawValue), "label": .string($0.label)] })
}
