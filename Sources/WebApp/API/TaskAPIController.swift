import Domain
import Foundation
import Hummingbird

/// `/api/v1/tasks`: list (cursor paging), create, read, change, delete.
struct TaskAPIController: Sendable {
    let tasks: TaskService

    struct TaskJSON: Encodable {
        let id: Int64
        let title: String
        let description: String
        let status: TaskStatus
        let estimatePomodoros: Int?
        let totalMinutes: Int
        let pomodoros: Int
        let createdAt: Date
        let updatedAt: Date
        let completedAt: Date?

        init(_ task: TaskRecord) {
            id = task.taskID
            title = task.title
            description = task.description
            status = task.status
            estimatePomodoros = task.estimatePomodoros
            totalMinutes = task.totalMinutes
            pomodoros = task.pomodoros
            createdAt = task.createdAt
            updatedAt = task.updatedAt
            completedAt = task.completedAt
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(title, forKey: .title)
            try container.encode(description, forKey: .description)
            try container.encode(status, forKey: .status)
            try container.encode(estimatePomodoros, forKey: .estimatePomodoros)
            try container.encode(totalMinutes, forKey: .totalMinutes)
            try container.encode(pomodoros, forKey: .pomodoros)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(completedAt, forKey: .completedAt)
        }

        enum CodingKeys: CodingKey {
            case id, title, description, status, estimatePomodoros, totalMinutes, pomodoros, createdAt, updatedAt, completedAt
        }
    }

    struct ListJSON: Encodable {
        let items: [TaskJSON]
        let nextCursor: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }

        enum CodingKeys: CodingKey { case items, nextCursor }
    }

    /// A task body: fields the client may write; `total_minutes` and `pomodoros` are the
    /// server's and rejected by name; `estimate_pomodoros: null` clears the estimate.
    struct TaskBody: Decodable {
        let title: String?
        let description: String?
        let status: String?
        let estimatePomodoros: Int??

        enum CodingKeys: String, CodingKey { case title, description, status, estimatePomodoros, totalMinutes, pomodoros }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            for key in [CodingKeys.totalMinutes, .pomodoros] where container.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "is read-only")
            }
            title = try container.decodeIfPresent(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            if container.contains(.estimatePomodoros) {
                estimatePomodoros = .some(try container.decodeNil(forKey: .estimatePomodoros) ? nil : try container.decode(Int.self, forKey: .estimatePomodoros))
            } else {
                estimatePomodoros = nil
            }
        }
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("tasks") { request, context in
            let query = FormData(query: request)
            let page = try await tasks.list(
                userID: context.user.userID, status: query["status"], search: query["q"],
                limit: query["limit"], cursor: query["cursor"])
            return try APIResponse.json(ListJSON(items: page.items.map(TaskJSON.init), nextCursor: page.nextCursor.map(TaskCursor.encode)))
        }
        api.post("tasks") { request, context in
            let body = try await JSONBody.decode(TaskBody.self, from: request, context: context)
            guard let title = body.title else { throw AppError.validation("title", "is required") }
            let task = try await tasks.create(userID: context.user.userID, title: title, description: body.description, status: body.status, estimate: body.estimatePomodoros ?? nil)
            return try APIResponse.json(TaskJSON(task), status: .created)
        }
        api.get("tasks/:id") { _, context in
            try APIResponse.json(TaskJSON(try await tasks.task(try PathID.parse(context), userID: context.user.userID)))
        }
        api.patch("tasks/:id") { request, context in
            let id = try PathID.parse(context)
            let body = try await JSONBody.decode(TaskBody.self, from: request, context: context)
            let updated = try await tasks.update(id, userID: context.user.userID, title: body.title, description: body.description, status: body.status, estimate: body.estimatePomodoros)
            return try APIResponse.json(TaskJSON(updated.task))
        }
        api.delete("tasks/:id") { _, context in
            try await tasks.delete(try PathID.parse(context), userID: context.user.userID)
            return Response(status: .noContent)
        }
    }
}
