import Domain
import Foundation
import Testing

@testable import WebApp

/// Webhooks and their outbox hold to one contract on both backends (SPEC §11, §14): a due
/// delivery is claimed by one dispatcher at a time, attempts are logged and bounded.
@Suite(.coversBothBackends) struct WebhookStorageContractTests {
    static let now = StorageContractTests.now

    static func webhook(_ store: TestStore, for user: UserRecord, url: String = "https://example.com/h") async throws -> WebhookRecord {
        try await store.storage.createWebhook(
            userID: user.userID, url: url, events: [.taskCompleted, .levelUp], format: .slack, secret: "whsec_1",
            logging: SecurityEvent(.webhookCreated, ip: "192.0.2.1", detail: url), now: now)
    }

    /// Completes `count` new tasks of the user: one `task.completed` event each.
    static func completeTasks(_ store: TestStore, for user: UserRecord, count: Int) async throws {
        for index in 0..<count {
            _ = try await store.storage.createTask(
                userID: user.userID, content: try TaskContent(title: "t\(index)", description: "", estimatePomodoros: nil), status: .done, now: now)
        }
    }

    @Test(arguments: Backend.available)
    func webhooksAreTheOwnersLimitedAndLogged(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let bob = try await StorageContractTests.newUser(store, "bob")
            let first = try await Self.webhook(store, for: ada)
            #expect(first.events == [.taskCompleted, .levelUp] && first.format == .slack && !first.disabled && first.createdAt == Self.now)
            for index in 2...WebhookRecord.maxPerUser { _ = try await Self.webhook(store, for: ada, url: "https://example.com/\(index)") }
            await #expect(throws: WebhookConflict.self) { try await Self.webhook(store, for: ada) }
            #expect(try await db.webhooks(userID: ada.userID).first?.url == "https://example.com/\(WebhookRecord.maxPerUser)")
            #expect(try await db.webhooks(userID: bob.userID).isEmpty)
            #expect(try await db.webhookAttempts(userID: bob.userID, id: first.id) == nil, "not bob's")
            #expect(try await db.webhookAttempts(userID: ada.userID, id: first.id) == [])
            #expect(try await !db.deleteWebhook(userID: bob.userID, id: first.id, ip: "192.0.2.2", now: Self.now))
            #expect(try await db.deleteWebhook(userID: ada.userID, id: first.id, ip: "192.0.2.2", now: Self.now))
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'webhook_deleted' AND detail = 'https://example.com/h'") == 1)
        }
    }

    /// Dispatchers polling at once (on PostgreSQL from many connections, as instances
    /// would) claim every due item exactly once; a claim that runs out makes it due again.
    @Test(arguments: Backend.available)
    func dueDeliveriesAreClaimedOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            _ = try await Self.webhook(store, for: ada)
            try await Self.completeTasks(store, for: ada, count: 30)
            let events = 30 + Level.forXP(30 * TaskCompletionXP.amount) - Level.forXP(0)
            #expect(try await db.outboxBacklog() == events, "each completion, and each level reached on the way")
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<6 { group.addTask { try await db.claimDueDeliveries(now: Self.now, limit: 8, claim: 60).map(\.outboxID) } }
                return try await group.reduce([], +)
            }
            #expect(claimed.count == events && Set(claimed).count == events, "each once")
            #expect(try await db.claimDueDeliveries(now: Self.now + 59, limit: 50, claim: 60).isEmpty)
            let again = try await db.claimDueDeliveries(now: Self.now + 60, limit: 5, claim: 60)
            #expect(again.map(\.outboxID) == Array(claimed.sorted().prefix(5)), "due again, oldest first")
            #expect(again.first?.event == "task.completed" && again.first?.webhook.format == .slack && again.first?.payload.contains(#""type":"task.completed""#) == true)
        }
    }

    @Test(arguments: Backend.available)
    func attemptsRetryDisableAndKeepTheLastFifty(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let hook = try await Self.webhook(store, for: ada)
            try await Self.completeTasks(store, for: ada, count: 1)
            var item = try #require(try await db.claimDueDeliveries(now: Self.now, limit: 1, claim: 60).first)
            let schedule: [TimeInterval] = [10, 100]
            #expect(try await db.recordAttempt(item, succeeded: false, responseCode: 500, durationMS: 12, now: Self.now, schedule: schedule, disableAfter: 3) == .retrying)
            #expect(try await db.claimDueDeliveries(now: Self.now + 9, limit: 1, claim: 60).isEmpty)
            item = try #require(try await db.claimDueDeliveries(now: Self.now + 10, limit: 1, claim: 60).first)
            #expect(item.attempts == 1)
            #expect(try await db.recordAttempt(item, succeeded: false, responseCode: nil, durationMS: 5000, now: Self.now + 10, schedule: schedule, disableAfter: 3) == .retrying)
            item = try #require(try await db.claimDueDeliveries(now: Self.now + 110, limit: 1, claim: 60).first)
            #expect(try await db.recordAttempt(item, succeeded: false, responseCode: 502, durationMS: 7, now: Self.now + 110, schedule: schedule, disableAfter: 3) == .failed)
            #expect(try await db.webhooks(userID: ada.userID).first?.disabled == true, "three failures in a row")
            #expect(try await db.outboxBacklog() == 0)
            let log = try #require(try await db.webhookAttempts(userID: ada.userID, id: hook.id))
            #expect(log.map(\.attempt) == [3, 2, 1] && log.map(\.status) == ["failed", "retrying", "retrying"] && log.last?.responseCode == 500)
            #expect(log[1].responseCode == nil && log[1].durationMS == 5000 && log[0].createdAt == Self.now + 110)

            try await store.execute("UPDATE webhooks SET disabled = \(backend == .sqlite ? "0" : "FALSE"), consecutive_failures = 2")
            try await Self.completeTasks(store, for: ada, count: 55)
            for delivery in try await db.claimDueDeliveries(now: Self.now + 200, limit: 100, claim: 60) {
                try await db.recordAttempt(delivery, succeeded: true, responseCode: 204, durationMS: 1, now: Self.now + 200, schedule: schedule, disableAfter: 3)
            }
            let healed = try #require(try await db.webhooks(userID: ada.userID).first)
            #expect(!healed.disabled && healed.consecutiveFailures == 0)
            #expect(try await db.webhookAttempts(userID: ada.userID, id: hook.id)?.count == WebhookRecord.loggedAttempts)
            #expect(try await store.integer("SELECT count(*) FROM webhook_deliveries") == WebhookRecord.loggedAttempts)
        }
    }
}
