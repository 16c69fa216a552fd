import Domain
import Foundation
import GRDB

/// A row of `tasks`. Focus time is kept in seconds; minutes are shown rounded down.
struct TaskRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "tasks"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var userId: Int64
    var title: String
    var description: String
    var status: TaskStatus
    var estimatePomodoros: Int?
    var focusSeconds: Int
    var pomodoros: Int
    var createdAt: Date
    var updatedAt: Date
    var completedAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The columns in table order; queries name them so rows decode by position.
    static let columns = "id, user_id, title, description, status, estimate_pomodoros, focus_seconds, pomodoros, created_at, updated_at, completed_at"

    /// Decoded by position: lists decode many rows, and by-name lookups and Codable
    /// are the slow paths.
    init(row: Row) throws {
        id = row[0]
        userId = row[1]
        title = row[2]
        description = row[3]
        status = try row.storedEnum(4)
        estimatePomodoros = row[5]
        focusSeconds = row[6]
        pomodoros = row[7]
        createdAt = row.storedDate(8) ?? .distantPast
        updatedAt = row.storedDate(9) ?? .distantPast
        completedAt = row.storedDate(10)
    }

    init(
        userId: Int64, title: String, description: String, status: TaskStatus, estimatePomodoros: Int?, focusSeconds: Int,
        pomodoros: Int, createdAt: Date, updatedAt: Date, completedAt: Date?
    ) {
        self.userId = userId
        self.title = title
        self.description = description
        self.status = status
        self.estimatePomodoros = estimatePomodoros
        self.focusSeconds = focusSeconds
        self.pomodoros = pomodoros
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }

    var taskID: Int64 { id ?? 0 }
    var totalMinutes: Int { focusSeconds / 60 }

    private static let byID = "SELECT \(columns) FROM tasks WHERE id = ? AND user_id = ?"

    /// The owner's task with this id (nil for anybody else's).
    static func find(_ db: Database, id: Int64, userID: Int64) throws -> TaskRecord? {
        try fetchOne(db.cachedStatement(sql: byID), arguments: [id, userID])
    }
}

extension TaskStatus: DatabaseValueConvertible {}

/// Which tasks a list shows: newest first, optionally one status and a text search,
/// starting below a cursor (the last id of the previous page).
struct TaskQuery: Sendable {
    var status: TaskStatus?
    var search: String?
    var limit = 50
    var before: Int64?

    /// No status or search filter (a cursor and a limit at most): the page as the
    /// dashboard and the API list first load it, which reads with the user
    /// (``SignedInReads``).
    var isPlain: Bool { status == nil && !isSearch }

    /// The status of a query that filters by it alone (no search): a status tab of the
    /// dashboard, `?status=` of the API list.
    var statusAlone: TaskStatus? { isSearch ? nil : status }

    private var isSearch: Bool { !(search?.trimmingWhitespace ?? "").isEmpty }
}

struct TaskPage: Sendable {
    let items: [TaskRecord]
    /// The id to continue below, or nil at the end.
    let nextCursor: Int64?

    init(items: [TaskRecord], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The page of `rows` read with a limit of one more than `limit` (the extra row says
    /// a next page exists).
    init(_ rows: [TaskRecord], limit: Int) {
        var items = rows
        let more = items.count > limit
        if more { items.removeLast() }
        self.init(items: items, nextCursor: more ? items.last?.id : nil)
    }
}

/// A partial change; `estimatePomodoros` is `.some(nil)` to clear the estimate.
struct TaskChange: Sendable {
    var title: String?
    var description: String?
    var status: TaskStatus?
    var estimatePomodoros: Int??
}

extension TaskRecord {
    /// Applies `change` at `now` (both backends' rule): completing stamps `completed_at`,
    /// leaving done clears it. True when the task became done by it (its first-completion
    /// XP is then the store's to award).
    mutating func apply(_ change: TaskChange, at now: Date) -> Bool {
        let wasDone = status == .done
        if let title = change.title { self.title = title }
        if let description = change.description { self.description = description }
        if let estimate = change.estimatePomodoros { estimatePomodoros = estimate }
        if let status = change.status { self.status = status }
        if status != .done { completedAt = nil } else if !wasDone { completedAt = now }
        updatedAt = now
        return status == .done && !wasDone
    }
}

extension AppDatabase: TaskStorage {
    func tasks(userID: Int64, _ query: TaskQuery) async throws -> TaskPage {
        try read { db in try Self.taskPage(db, userID: userID, query) }
    }

    func tasks(userID: Int64, session: Int64, _ query: TaskQuery) async throws -> SessionRead<TaskPage>? {
        try read { db in
            guard let signedIn = try Self.userInSession(db, id: userID, session: session) else { return nil }
            return SessionRead(user: signedIn.user, lastSeen: signedIn.lastSeen, incomingRequests: 0, page: try Self.taskPage(db, userID: userID, query))
        }
    }

    /// One page of the user's tasks, newest first (inside the caller's transaction).
    static func taskPage(_ db: Database, userID: Int64, _ query: TaskQuery) throws -> TaskPage {
        var sql = "SELECT \(TaskRecord.columns) FROM tasks WHERE user_id = ?"
        var arguments: StatementArguments = [userID]
        if let status = query.status {
            sql += " AND status = ?"
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let before = query.before {
            sql += " AND id < ?"
            _ = arguments.append(contentsOf: [before])
        }
        if let search = query.search?.trimmingWhitespace, !search.isEmpty {
            let pattern = LikePattern.containing(search)
            sql += " AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')"
            _ = arguments.append(contentsOf: [pattern, pattern])
        }
        sql += " ORDER BY id DESC LIMIT ?"
        _ = arguments.append(contentsOf: [query.limit + 1])
        return TaskPage(try TaskRecord.fetchAll(db.cachedStatement(sql: sql), arguments: arguments), limit: query.limit)
    }

    /// The user's latest completed tasks that had at least one pomodoro, for estimates.
    func completedTasks(userID: Int64, limit: Int) throws -> [TaskSuggester.CompletedTask] {
        try read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT title, pomodoros FROM tasks WHERE user_id = ? AND status = 'done' AND pomodoros > 0 ORDER BY id DESC LIMIT ?"),
                arguments: [userID, limit]
            ).map { TaskSuggester.CompletedTask(title: $0[0], pomodoros: $0[1]) }
        }
    }

    func task(id: Int64, userID: Int64) async throws -> TaskRecord? {
        try read { db in
            try TaskRecord.find(db, id: id, userID: userID)
        }
    }

    func createTask(userID: Int64, content: TaskContent, status: TaskStatus, now: Date) async throws -> TaskRecord {
        try await write { db in
            var task = TaskRecord(
                userId: userID, title: content.title, description: content.description, status: status,
                estimatePomodoros: content.estimatePomodoros, focusSeconds: 0, pomodoros: 0, createdAt: now, updatedAt: now,
                completedAt: status == .done ? now : nil)
            try task.insert(db)
            LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [task.taskID])
            if status == .done { _ = try Self.awardFirstCompletion(db, task: task, now: now) }
            return task
        }
    }

    /// Applies a change to the user's task and returns it with the XP the change earned;
    /// nil when the task is not theirs. `change` sees the task as stored and may throw
    /// (validation against it), which leaves everything as it was.
    func updateTask(id: Int64, userID: Int64, now: Date, change makeChange: @Sendable (TaskRecord) throws -> TaskChange) async throws -> (task: TaskRecord, xpEarned: Int)? {
        try await write { db in
            guard var task = try TaskRecord.find(db, id: id, userID: userID) else {
                return nil
            }
            let completed = task.apply(try makeChange(task), at: now)
            let xpEarned = completed ? try Self.awardFirstCompletion(db, task: task, now: now) : 0
            try task.update(db)
            LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [id])
            return (task, xpEarned)
        }
    }

    func deleteTask(id: Int64, userID: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM tasks WHERE id = ? AND user_id = ?", arguments: [id, userID])
            guard db.changesCount > 0 else { return false }
            LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [id])
            return true
        }
    }

    /// +10 XP the first time a task is completed: the ledger's unique (user, reason,
    /// reference) index makes a second completion of the same task add nothing.
    /// The first completion is also announced to the user's webhooks (`task.completed`).
    private static func awardFirstCompletion(_ db: Database, task: TaskRecord, now: Date) throws -> Int {
        let earned = try XPLedger.award(db, userID: task.userId, amount: TaskCompletionXP.amount, reason: "task_completed", reference: "task:\(task.taskID)", at: now)
        if earned > 0 { try WebhookOutbox.emit(db, userID: task.userId, event: .taskCompleted, data: WebhookOutbox.json(TaskAPIController.TaskJSON(task)), at: now) }
        return earned
    }
}
