import Domain
import Foundation
import Synchronization
import Testing

@testable import WebApp

/// Live changes cross instances on PostgreSQL (SPEC §12, §14): what one instance commits,
/// every other one's streams hear, once, with the window that made it.
@Suite(.coversBothBackends) struct PostgresLiveTests {
    @Test func messagesCarryEveryChangeWithinPostgresLimitAndSkipTheirOwnInstance() throws {
        let sender = PostgresLiveChannel()
        let receiver = PostgresLiveChannel()
        let changes = [
            LiveChange(userID: 7, topic: .tasks, taskIDs: Array(1...3_000)), LiveChange(userID: 7, topic: .progress),
            LiveChange(userID: 9, topic: .friends), LiveChange(userID: 7, topic: .tasks, taskIDs: [42]),
        ]
        let messages = sender.messages(changes, origin: "window-1234567890ab")
        #expect(messages.count > 1 && messages.allSatisfy { $0.utf8.count <= PostgresLiveChannel.payloadLimit })
        let heard = messages.compactMap(receiver.changes(in:)).flatMap { $0 }
        #expect(heard.allSatisfy { $0.origin == "window-1234567890ab" })
        #expect(heard.filter { $0.topic == .tasks }.flatMap(\.taskIDs) == Array(1...3_000) + [42], "every id, in order")
        #expect(heard.map(\.topic).filter { $0 != .tasks } == [.progress, .friends])
        #expect(messages.compactMap(sender.changes(in:)).isEmpty, "its own instance skips them")
        #expect(sender.messages([], origin: nil).isEmpty)
        #expect(receiver.changes(in: sender.messages([LiveChange(userID: 1, topic: .timer)], origin: nil)[0]) == [LiveChange(userID: 1, topic: .timer)])
        #expect(receiver.changes(in: "not a message") == nil && receiver.changes(in: "a b\n1 nonsense ") == nil)
    }

    @Test(.enabled(if: TestPostgres.available))
    func aCommittedChangeReachesTheOtherInstanceOnceAndARolledBackOneNever() async throws {
        try await TestStore.withInstances(2) { stores in
            let (a, b) = (stores[0], stores[1])
            let heardByA = Mutex<[LiveChange]>([])
            let heardByB = Mutex<[LiveChange]>([])
            a.liveChanges.listen { changes in heardByA.withLock { $0 += changes } }
            b.liveChanges.listen { changes in heardByB.withLock { $0 += changes } }
            let ada = try await a.createUser(UserRecord(username: "ada", passwordHash: "h", timezone: "UTC", createdAt: Date()))
            try await Task.sleep(for: .milliseconds(200))  // both listeners are up
            let task = try await LiveOrigin.$window.withValue("window-1234567890ab") {
                try await a.createTask(userID: ada.userID, content: try TaskContent(title: "Ship", description: "", estimatePomodoros: nil), status: .todo, now: Date())
            }
            await #expect(throws: AppError.self) {
                try await b.updateTask(id: task.taskID, userID: ada.userID, now: Date(), change: Self.refused)
            }
            // A status change announces itself in its UPDATE statement (executeLast).
            _ = try await LiveOrigin.$window.withValue("window-0987654321ba") {
                try await b.updateTask(id: task.taskID, userID: ada.userID, now: Date(), change: Self.started)
            }
            _ = try await b.deleteTask(id: task.taskID, userID: ada.userID)
            let expected = [
                LiveChange(userID: ada.userID, topic: .tasks, taskIDs: [task.taskID], origin: "window-1234567890ab"),
                LiveChange(userID: ada.userID, topic: .tasks, taskIDs: [task.taskID], origin: "window-0987654321ba"),
                LiveChange(userID: ada.userID, topic: .tasks, taskIDs: [task.taskID]),
            ]
            for _ in 0..<100 where heardByA.withLock({ $0.count }) < 3 || heardByB.withLock({ $0.count }) < 3 {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))  // nothing more arrives
            #expect(heardByA.withLock { $0 } == expected, "its own at once, the other's by NOTIFY, each once")
            #expect(heardByB.withLock { $0 } == expected)
        }
    }

    /// A completed timer announces itself in its UPDATE (``PostgresTransaction/executeLast``);
    /// the session it records afterwards (progress) still reaches the other instance, before
    /// the COMMIT.
    @Test(.enabled(if: TestPostgres.available))
    func changesNotedAfterTheLastStatementStillCrossInstances() async throws {
        try await TestStore.withInstances(2) { stores in
            let (a, b) = (stores[0], stores[1])
            let heardByA = Mutex<[LiveChange]>([])
            a.liveChanges.listen { changes in heardByA.withLock { $0 += changes } }
            let ada = try await a.createUser(UserRecord(username: "ada", passwordHash: "h", timezone: "UTC", createdAt: Date()))
            try await Task.sleep(for: .milliseconds(200))  // the listener is up
            let start = Date().addingTimeInterval(-3_600)
            _ = try await a.startTimer(userID: ada.userID, kind: .focus, plannedSeconds: 1_500, taskID: nil, timezone: "UTC", qualifySeconds: 1_500, now: start)
            _ = try await b.applyTimerAction(.complete, userID: ada.userID, timezone: "UTC", qualifySeconds: 1_500, now: start.addingTimeInterval(600))
            for _ in 0..<100 where !heardByA.withLock({ $0.contains { $0.topic == .progress } }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))  // nothing more arrives
            let topics = heardByA.withLock { $0.map(\.topic) }
            #expect(topics.prefix(2) == [.timer, .timer], "A's start, then B's completion: \(topics)")
            #expect(!topics.dropFirst(2).isEmpty && topics.dropFirst(2).allSatisfy { $0 == .progress }, "then the session B recorded: \(topics)")
        }
    }

    @Sendable static func started(_ task: TaskRecord) throws -> TaskChange {
        TaskChange(status: .inProgress)
    }

    @Sendable static func refused(_ task: TaskRecord) throws -> TaskChange {
        throw AppError.validation(FieldErrors(["title": "is required"]))
    }
}
