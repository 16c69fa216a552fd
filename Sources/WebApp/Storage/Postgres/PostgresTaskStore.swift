import Domain
import Foundation
import PostgresNIO

/// Task use cases on PostgreSQL (``TaskStorage``). Search is `ILIKE`: case-insensitive
/// for every alphabet (SQLite's `LIKE` folds ASCII letters only).
extension PostgresStore: TaskStorage {
    func tasks(userID: Int64, _ query: TaskQuery) async throws -> TaskPage {
        try await read { connection in
            let items =
                if query.isPlain {
                    try await PlainTaskPageStatement(userID: userID, page: query).tasks(on: connection, logger: logger)
                } else if let status = query.statusAlone {
                    try await StatusTaskPageStatement(userID: userID, status: status, page: query).tasks(on: connection, logger: logger)
                } else {
                    try await TaskPageStatement(userID: userID, query: query).tasks(on: connection, logger: logger)
                }
            return TaskPage(items, limit: query.limit)
        }
    }

    func tasks(userID: Int64, session: Int64, _ query: TaskQuery) async throws -> SessionRead<TaskPage>? {
        guard query.isPlain else {
            // A filtered page reads its user apart (`SignedInReads` folds plain pages only).
            guard let (user, lastSeen) = try await user(id: userID, session: session) else { return nil }
            return SessionRead(user: user, lastSeen: lastSeen, incomingRequests: 0, page: try await tasks(userID: userID, query))
        }
        return try await read { connection in
            for try await (signedIn, tasks) in try await connection.execute(SignedInTaskPageStatement(userID: userID, page: query, session: session), logger: logger) {
                return signedIn.map { SessionRead(user: $0.user, lastSeen: $0.lastSeen, incomingRequests: 0, page: TaskPage(tasks, limit: query.limit)) }
            }
            return nil
        }
    }

    func completedTasks(userID: Int64, limit: Int) async throws -> [TaskSuggester.CompletedTask] {
        try await read { connection in
            try await connection.all(
                "SELECT title, pomodoros FROM tasks WHERE user_id = \(userID) AND status = 'done' AND pomodoros > 0 ORDER BY id DESC LIMIT \(limit)",
                logger: logger
            ).map { row in
                let (title, pomodoros) = try row.decode((String, Int).self)
                return TaskSuggester.CompletedTask(title: title, pomodoros: pomodoros)
            }
        }
    }

    func task(id: Int64, userID: Int64) async throws -> TaskRecord? {
        try await read { connection in
            try await connection.first("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(id) AND user_id = \(userID)", logger: logger)
                .map(TaskRecord.init(postgres:))
        }
    }

    func createTask(userID: Int64, content: TaskContent, status: TaskStatus, now: Date) async throws -> TaskRecord {
        try await write { tx in
            var task = TaskRecord(
                userId: userID, title: content.title, description: content.description, status: status,
                estimatePomodoros: content.estimatePomodoros, focusSeconds: 0, pomodoros: 0, createdAt: now, updatedAt: now,
                completedAt: status == .done ? now : nil)
            let row = try await tx.one(
                """
                INSERT INTO tasks (user_id, title, description, status, estimate_pomodoros, created_at, updated_at, completed_at)
                VALUES (\(userID), \(task.title), \(task.description), \(status.rawValue), \(task.estimatePomodoros), \(now), \(now), \(task.completedAt))
                RETURNING id
                """)
            task.id = try row.decode(Int64.self)
            tx.note(userID: userID, .tasks, taskIDs: [task.taskID])
            if status == .done { _ = try await Self.awardFirstCompletion(tx, task: task, now: now) }
            return task
        }
    }

    func updateTask(
        id: Int64, userID: Int64, now: Date, change makeChange: @Sendable (TaskRecord) throws -> TaskChange
    ) async throws -> (task: TaskRecord, xpEarned: Int)? {
        try await write { tx in
            // Locked until the commit: a change made on another instance at once waits, then
            // sees this one (a task completed twice at once earns its XP once either way).
            guard
                let row = try await tx.first("SELECT \(unescaped: TaskRecord.columns) FROM tasks WHERE id = \(id) AND user_id = \(userID) FOR UPDATE")
            else { return nil }
            var task = try TaskRecord(postgres: row)
            let completed = task.apply(try makeChange(task), at: now)
            let xpEarned = completed ? try await Self.awardFirstCompletion(tx, task: task, now: now) : 0
            tx.note(userID: userID, .tasks, taskIDs: [id])
            try await tx.executeLast(
                """
                UPDATE tasks SET title = \(task.title), description = \(task.description), status = \(task.status.rawValue),
                    estimate_pomodoros = \(task.estimatePomodoros), updated_at = \(now), completed_at = \(task.completedAt)
                WHERE id = \(id)
                """)
            return (task, xpEarned)
        }
    }

    func deleteTask(id: Int64, userID: Int64) async throws -> Bool {
        try await write { tx in
            guard try await tx.first("DELETE FROM tasks WHERE id = \(id) AND user_id = \(userID) RETURNING id") != nil else { return false }
            tx.note(userID: userID, .tasks, taskIDs: [id])
            return true
        }
    }

    /// +10 XP the first time a task is completed (once, by the ledger's unique index),
    /// announced to the user's webhooks (`task.completed`).
    private static func awardFirstCompletion(_ tx: PostgresTransaction, task: TaskRecord, now: Date) async throws -> Int {
        let earned = try await PostgresLedgers.awardXP(
            tx, userID: task.userId, amount: TaskCompletionXP.amount, reason: "task_completed", reference: "task:\(task.taskID)", at: now)
        if earned > 0 {
            try await PostgresLedgers.emit(tx, userID: task.userId, event: .taskCompleted, data: WebhookOutbox.json(TaskAPIController.TaskJSON(task)), at: now)
        }
        return earned
    }
}

/// A page of a user's tasks, newest first, one more than the limit (whether there is a
/// next page): one statement whatever the filters, each unused filter bound as NULL; one
/// row of arrays (``PostgresTaskColumns``).
struct TaskPageStatement: TaskArraysStatement {
    static let sql = PostgresTaskColumns.select(from: "(\(page(user: "$1", status: "$2", before: "$3", search: "$4", limit: "$5")))")

    /// The page's SQL with its parameters at the given places (the dashboard's statement
    /// has it inside). PostgreSQL plans a statement with these optional filters anew for
    /// each run (its generic plan's guess at the filters' selectivity makes it look dearer
    /// than a custom plan), ~1.5 ms of its CPU for the dashboard's; pages without those
    /// filters take ``plainPage(user:before:limit:)`` instead.
    static func page(user: String, status: String, before: String, search: String, limit: String) -> String {
        """
        SELECT \(TaskRecord.columns) FROM tasks WHERE user_id = \(user)
        AND (\(status)::text IS NULL OR status = \(status)) AND (\(before)::bigint IS NULL OR id < \(before))
        AND (\(search)::text IS NULL OR title ILIKE \(search) ESCAPE '\\' OR description ILIKE \(search) ESCAPE '\\')
        ORDER BY id DESC LIMIT \(limit)
        """
    }

    /// A page of one status without a search (``TaskQuery/statusAlone``), a status tab: with
    /// the status a plain parameter its generic plan is as cheap as a custom one, so it is
    /// planned once per connection (``StatusTaskPageStatement``, and inside the dashboard's
    /// ``StatusDashboardStatement``).
    static func statusPage(user: String, status: String, before: String, limit: String) -> String {
        "SELECT \(TaskRecord.columns) FROM tasks WHERE user_id = \(user) AND status = \(status) AND (\(before)::bigint IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)"
    }

    /// A page without the status and search filters (``TaskQuery/isPlain``): its generic
    /// plan is cheap in PostgreSQL's eyes too, so it is planned once per connection
    /// (``PlainTaskPageStatement``, and inside the signed-in reads' statements).
    static func plainPage(user: String, before: String, limit: String) -> String {
        "SELECT \(TaskRecord.columns) FROM tasks WHERE user_id = \(user) AND (\(before)::bigint IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)"
    }

    let userID: Int64
    let query: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(userID)
        Self.appendFilters(of: query, to: &bindings)
        return bindings
    }

    /// The status, cursor, search pattern and limit (one more than the page) of `query`.
    static func appendFilters(of query: TaskQuery, to bindings: inout PostgresBindings) {
        bindings.append(query.status?.rawValue)
        bindings.append(query.before)
        let search = query.search?.trimmingWhitespace ?? ""
        bindings.append(search.isEmpty ? nil : LikePattern.containing(search))
        bindings.append(query.limit + 1)
    }

    /// The cursor and limit (one more than the page) of `query`, for the statements that
    /// take no filter or the status alone.
    static func appendPlainFilters(of query: TaskQuery, to bindings: inout PostgresBindings) {
        bindings.append(query.before)
        bindings.append(query.limit + 1)
    }
}

/// A plain page of tasks (``TaskQuery/isPlain``): the list as first loaded, after a quick
/// add, or further down; planned once per connection.
struct PlainTaskPageStatement: TaskArraysStatement {
    static let sql = PostgresTaskColumns.select(from: "(\(TaskPageStatement.plainPage(user: "$1", before: "$2", limit: "$3")))")

    let userID: Int64
    let page: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(userID)
        TaskPageStatement.appendPlainFilters(of: page, to: &bindings)
        return bindings
    }
}

/// A page of one status without a search (``TaskQuery/statusAlone``): a status tab,
/// planned once per connection where ``TaskPageStatement`` is planned for every run.
struct StatusTaskPageStatement: TaskArraysStatement {
    static let sql = PostgresTaskColumns.select(from: "(\(TaskPageStatement.statusPage(user: "$1", status: "$2", before: "$3", limit: "$4")))")

    let userID: Int64
    let status: TaskStatus
    let page: TaskQuery

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(userID)
        bindings.append(status.rawValue)
        TaskPageStatement.appendPlainFilters(of: page, to: &bindings)
        return bindings
    }
}

/// A plain page of tasks (``TaskQuery/isPlain``) and the user of the request's sign-in
/// session, in one statement (``SessionRead``): the page's row with the user's columns
/// first, NULL when the session or the user is gone.
struct SignedInTaskPageStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT u.*, p.* FROM (\(PlainTaskPageStatement.sql)) p LEFT JOIN (
            SELECT s.last_seen_at, \(UserRecord.postgresColumns(of: "users")) FROM users
            JOIN sign_in_sessions s ON s.id = $4 AND s.user_id = users.id WHERE users.id = $1) u ON true
        """

    let userID: Int64
    let page: TaskQuery
    let session: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(userID)
        TaskPageStatement.appendPlainFilters(of: page, to: &bindings)
        bindings.append(session)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (signedIn: (user: UserRecord, lastSeen: Date)?, tasks: [TaskRecord]) {
        var columns = PostgresColumns(row)
        guard let lastSeen = try columns.next(Date?.self) else { return (nil, []) }
        let user = try UserRecord(&columns)
        return ((user, lastSeen), try PostgresTaskColumns.tasks(&columns))
    }
}

/// A statement whose one row is a page of tasks as arrays, a column each
/// (``PostgresTaskColumns``).
protocol TaskArraysStatement: PostgresPreparedStatement where Row == [TaskRecord] {}

extension TaskArraysStatement {
    func decodeRow(_ row: PostgresRow) throws -> [TaskRecord] {
        try PostgresTaskColumns.tasks(in: row)
    }

    /// The page's tasks, newest first.
    func tasks(on connection: PostgresConnection, logger: Logger) async throws -> [TaskRecord] {
        var items: [TaskRecord] = []
        for try await tasks in try await connection.execute(self, logger: logger) { items += tasks }
        return items
    }
}
