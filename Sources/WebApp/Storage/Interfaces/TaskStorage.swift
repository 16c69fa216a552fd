import Domain
import Foundation

/// Task use cases (SPEC §4), each one transaction. Every query names the owner, so another
/// user's task is simply not found. SQLite: ``AppDatabase`` (`TaskStore.swift`);
/// PostgreSQL: ``PostgresStore`` (`PostgresTaskStore.swift`).
protocol TaskStorage: Sendable {
    /// One page of the user's tasks, newest first.
    func tasks(userID: Int64, _ query: TaskQuery) async throws -> TaskPage
    /// The same page with the user of a sign-in session, in one read (``SessionRead``; on
    /// PostgreSQL one statement for a plain query, ``TaskQuery/isPlain``, two otherwise).
    func tasks(userID: Int64, session: Int64, _ query: TaskQuery) async throws -> SessionRead<TaskPage>?
    /// The user's latest completed tasks that had at least one pomodoro, for estimates.
    func completedTasks(userID: Int64, limit: Int) async throws -> [TaskSuggester.CompletedTask]
    func task(id: Int64, userID: Int64) async throws -> TaskRecord?
    /// A task completed at creation earns its first-completion XP at once.
    func createTask(userID: Int64, content: TaskContent, status: TaskStatus, now: Date) async throws -> TaskRecord
    /// Applies a change to the user's task and returns it with the XP the change earned;
    /// nil when the task is not theirs. `change` sees the task as stored and may throw
    /// (validation against it), which leaves everything as it was.
    func updateTask(id: Int64, userID: Int64, now: Date, change: @Sendable (TaskRecord) throws -> TaskChange) async throws -> (task: TaskRecord, xpEarned: Int)?
    func deleteTask(id: Int64, userID: Int64) async throws -> Bool
}
