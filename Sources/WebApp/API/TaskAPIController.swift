import Domain
import Foundation
import Hummingbird

/// `/api/v1/tasks`: list (cursor paging), create, read, change, delete.
struct TaskAPIController: Sendable {
    let tasks: TaskService

    /// A task as the API shows it (written by hand: the list is a hot path). Exports keep
    /// the stored milliseconds of its times (`preciseTimes`); the API shows whole seconds.
    struct TaskJSON: JSONWritable {
        let task: TaskRecord
        let preciseTimes: Bool

        init(_ task: TaskRecord, preciseTimes: Bool = false) {
            self.task = task
            self.preciseTimes = preciseTimes
        }

        func write(to json: inout JSONWriter) {
            json.object { json in
                time("completed_at", task.completedAt, &json)
                time("created_at", task.createdAt, &json)
                json.field("description", task.description)
                json.field("estimate_pomodoros", task.estimatePomodoros)
                json.field("id", task.taskID)
                json.field("pomodoros", task.pomodoros)
                json.field("status", task.status.rawValue)
                json.field("title", task.title)
                json.field("total_minutes", task.totalMinutes)
                time("updated_at", task.updatedAt, &json)
            }
        }

        private func time(_ key: StaticString, _ value: Date?, _ json: inout JSONWriter) {
            if preciseTimes {
                json.key(key)
                json.preciseDate(value)
            } else {
                json.field(key, value)
            }
        }
    }

    /// A page of tasks and the cursor of the next page (null at the end).
    struct ListJSON: JSONWritable {
        let items: [TaskJSON]
        let nextCursor: String?

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("items")
                json.array(items) { json, item in item.write(to: &json) }
                json.field("next_cursor", nextCursor)
            }
        }
    }

    /// A task body: fields the client may write; `total_minutes` and `pomodoros` are the
    /// server's and refused by name; `estimate_pomodoros: null` clears the estimate.
    struct TaskBody {
        let title: String?
        let description: String?
        let status: String?
        let estimatePomodoros: Int??

        init(_ body: inout JSONBody, titleRequired: Bool) throws(AppError) {
            body.refuse("total_minutes", "pomodoros", because: "is read-only")
            title = body.string("title", required: titleRequired)
            description = body.string("description")
            status = body.string("status")
            estimatePomodoros = body.nullableInteger("estimate_pomodoros")
            try body.checked()
        }
    }

    /// The list's query of a request (status, search, limit, cursor).
    static func taskQuery(_ request: Request) throws(AppError) -> TaskQuery {
        let query = FormData(query: request)
        return try TaskService.query(status: query["status"], search: query["q"], limit: query["limit"], cursor: query["cursor"])
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("tasks") { request, context in
            let page =
                if case .tasks(let signedIn)? = context.signedInPage { signedIn } else { try await tasks.page(userID: context.user.userID, try Self.taskQuery(request)) }
            return APIResponse.json(ListJSON(items: page.items.map { TaskJSON($0) }, nextCursor: page.nextCursor.map(TaskCursor.encode)))
        }
        api.post("tasks") { request, context in
            var json = try await JSONBody.read(request, context: context)
            let body = try TaskBody(&json, titleRequired: true)
            let task = try await tasks.create(
                userID: context.user.userID, title: body.title ?? "", description: body.description, status: body.status, estimate: body.estimatePomodoros ?? nil)
            return APIResponse.json(TaskJSON(task), status: .created)
        }
        api.get("tasks/:id") { _, context in
            APIResponse.json(TaskJSON(try await tasks.task(try PathID.parse(context), userID: context.user.userID)))
        }
        api.patch("tasks/:id") { request, context in
            let id = try PathID.parse(context)
            var json = try await JSONBody.read(request, context: context)
            let body = try TaskBody(&json, titleRequired: false)
            let updated = try await tasks.update(id, userID: context.user.userID, title: body.title, description: body.description, status: body.status, estimate: body.estimatePomodoros)
            return APIResponse.json(TaskJSON(updated.task))
        }
        api.delete("tasks/:id") { _, context in
            try await tasks.delete(try PathID.parse(context), userID: context.user.userID)
            return Response(status: .noContent)
        }
    }
}
