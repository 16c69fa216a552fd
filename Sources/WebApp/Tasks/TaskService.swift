import Domain
import Foundation

/// The task rules of SPEC §4 between the controllers (API and pages) and storage:
/// validation with field errors, cursor paging, and 404 for tasks that are not yours.
struct TaskService: Sendable {
    let database: any TaskStorage
    let clock: any WallClock

    static let maxPageSize = 100

    /// Lists tasks from raw query parameters; an unknown status, a bad limit or cursor
    /// is a 422 naming the parameter.
    func list(userID: Int64, status: String?, search: String?, limit: String?, cursor: String?, defaultLimit: Int = 50) async throws -> TaskPage {
        try await page(userID: userID, try Self.query(status: status, search: search, limit: limit, cursor: cursor, defaultLimit: defaultLimit))
    }

    func page(userID: Int64, _ query: TaskQuery) async throws -> TaskPage {
        try await database.tasks(userID: userID, query)
    }

    /// The page read with the user of a sign-in session (``SessionRead``).
    func page(userID: Int64, session: Int64, _ query: TaskQuery) async throws -> SessionRead<TaskPage>? {
        try await database.tasks(userID: userID, session: session, query)
    }

    /// A task-list query from request parameters; a bad one is a 422 naming each parameter.
    static func query(status: String?, search: String?, limit: String?, cursor: String?, defaultLimit: Int = 50) throws(AppError) -> TaskQuery {
        var query = TaskQuery(limit: defaultLimit)
        var errors = FieldErrors()
        if let status, !status.isEmpty {
            do { query.status = try TaskStatus.parse(status) } catch { errors = errors.merging(error) }
        }
        if let limit, !limit.isEmpty {
            if let value = Int(limit), (1...Self.maxPageSize).contains(value) { query.limit = value } else { errors["limit"] = "must be 1 to \(Self.maxPageSize)" }
        }
        if let cursor, !cursor.isEmpty {
            if let id = TaskCursor.decode(cursor) { query.before = id } else { errors["cursor"] = "is not a cursor this server made" }
        }
        if let search, search.count > 200 { errors["q"] = "must be at most 200 characters" }
        query.search = search
        guard errors.isEmpty else { throw AppError.validation(errors) }
        return query
    }

    func task(_ id: Int64, userID: Int64) async throws -> TaskRecord {
        guard let task = try await database.task(id: id, userID: userID) else { throw AppError.taskNotFound }
        return task
    }

    func create(userID: Int64, title: String, description: String?, status: String?, estimate: Int?) async throws -> TaskRecord {
        var errors = FieldErrors()
        var content: TaskContent?
        do { content = try TaskContent(title: title, description: description ?? "", estimatePomodoros: estimate) } catch { errors = errors.merging(error) }
        var parsedStatus = TaskStatus.todo
        if let status {
            do { parsedStatus = try TaskStatus.parse(status) } catch { errors = errors.merging(error) }
        }
        guard errors.isEmpty, let content else { throw AppError.validation(errors) }
        return try await database.createTask(userID: userID, content: content, status: parsedStatus, now: clock.now)
    }

    /// Validates the given fields against the task as it is, then saves them (one
    /// transaction: the check sees the same task the change applies to).
    /// `known` holds problems the caller already found (a form field that is not a
    /// number), so one answer names them with the rest.
    func update(
        _ id: Int64, userID: Int64, title: String?, description: String?, status: String?, estimate: Int??, known: FieldErrors = FieldErrors()
    ) async throws -> (task: TaskRecord, xpEarned: Int) {
        var parsedStatus: TaskStatus?
        var parseErrors = known
        if let status {
            do { parsedStatus = try TaskStatus.parse(status) } catch { parseErrors = parseErrors.merging(error) }
        }
        let statusErrors = parseErrors
        let change = TaskChange(title: title?.trimmingWhitespace, description: description, status: parsedStatus, estimatePomodoros: estimate)
        let updated = try await database.updateTask(id: id, userID: userID, now: clock.now) { current in
            var errors = statusErrors
            do throws(FieldErrors) {
                _ = try TaskContent(
                    title: title ?? current.title, description: description ?? current.description,
                    estimatePomodoros: estimate ?? current.estimatePomodoros)
            } catch { errors = errors.merging(error) }
            guard errors.isEmpty else { throw AppError.validation(errors) }
            return change
        }
        guard let updated else { throw AppError.taskNotFound }
        return updated
    }

    func delete(_ id: Int64, userID: Int64) async throws {
        guard try await database.deleteTask(id: id, userID: userID) else { throw AppError.taskNotFound }
    }
}

/// Opaque paging cursors: base64url of the last id shown, so clients cannot confuse
/// them with ids and the format can change later.
enum TaskCursor {
    static func encode(_ id: Int64) -> String {
        SecureRandom.base64URL(Array("t:\(id)".utf8))
    }

    static func decode(_ cursor: String) -> Int64? {
        guard let bytes = SecureRandom.decodeBase64URL(cursor), let decoded = String(validating: bytes, as: UTF8.self), decoded.hasPrefix("t:"),
            let id = Int64(decoded.dropFirst(2)), id > 0
        else { return nil }
        return id
    }
}

extension AppError {
    static let taskNotFound = AppError(.notFound, "not_found", "That task does not exist.")
}
