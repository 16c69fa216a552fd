import Domain
import Foundation
import Synchronization
import Testing

@testable import WebApp

/// The account and task use cases hold to one contract on both backends (SPEC §14): the
/// same calls, the same answers, the same rules (unique names whatever their case, XP once,
/// sessions that end everywhere, changes published only when committed).
@Suite(.coversBothBackends) struct StorageContractTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    static func newUser(_ store: TestStore, _ name: String = "ada") async throws -> UserRecord {
        try await store.storage.createUser(UserRecord(username: name, passwordHash: "hash-1", timezone: "Europe/Berlin", createdAt: now))
    }

    // The task changes are functions of their own: closures written inside a test's
    // closures got one another's code from Swift 6.3 (same-named closures, no diagnostic).
    static func status(_ status: TaskStatus) -> @Sendable (TaskRecord) throws -> TaskChange {
        { _ in TaskChange(status: status) }
    }

    @Sendable static func edit(_ stored: TaskRecord) -> TaskChange {
        TaskChange(title: stored.title + "!", description: "now", estimatePomodoros: .some(nil))
    }

    @Sendable static func refused(_ stored: TaskRecord) throws -> TaskChange {
        throw AppError.validation(FieldErrors(["title": "is required"]))
    }

    @Test(arguments: Backend.available)
    func usersAreFoundByIDAndByNameWhateverItsCase(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store, "Ada")
            #expect(ada.id != nil)
            await #expect(throws: AccountConflict.self) { try await Self.newUser(store, "aDA") }
            #expect(try await db.user(named: "ADA") == ada)
            #expect(try await db.user(id: ada.userID) == ada)
            #expect(try await db.user(id: ada.userID + 1) == nil)
            #expect(try await db.user(named: "bob") == nil)
            try await db.updatePasswordHash(userID: ada.userID, hash: "hash-2")
            #expect(try await db.user(id: ada.userID)?.passwordHash == "hash-2")
        }
    }

    @Test(arguments: Backend.available)
    func upsertAdminCreatesOrPromotesAndEndsTheOldTokens(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let (root, created) = try await db.upsertAdmin(username: "root", passwordHash: "h1", at: Self.now)
            #expect(created && root.isAdmin && root.timezone == "UTC")
            #expect(try await db.user(id: root.userID) == root)
            _ = try await Self.newUser(store, "bob")
            let (bob, createdAgain) = try await db.upsertAdmin(username: "BOB", passwordHash: "h2", at: Self.now)
            #expect(!createdAgain && bob.isAdmin && bob.passwordHash == "h2" && bob.tokenVersion == 1 && bob.username == "bob")
            #expect(try await db.user(id: bob.userID) == bob)
        }
    }

    @Test(arguments: Backend.available)
    func aSessionIsReadWithItsUserSeenAtMostOncePerIntervalAndEndedOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let bob = try await Self.newUser(store, "bob")
            let origin = SignInOrigin(device: "Firefox on Linux", ip: "192.0.2.1")
            let first = try await db.startSession(userID: ada.userID, origin: origin, refresh: nil, now: Self.now)
            let second = try await db.startSession(userID: ada.userID, origin: SignInOrigin(device: "curl", ip: "192.0.2.2"), refresh: nil, now: Self.now + 1)
            let (user, lastSeen) = try #require(try await db.user(id: ada.userID, session: first))
            #expect(user.username == ada.username && user.lastActiveAt == Self.now + 1 && lastSeen == Self.now, "active when the latest session started")
            #expect(try await db.user(id: bob.userID, session: first) == nil, "a session is its own user's")
            let page = try #require(try await db.userWithIncomingRequests(id: ada.userID, session: first))
            #expect(page.0 == user && page.lastSeen == Self.now && page.incomingRequests == 0)
            try await store.execute("INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (\(bob.userID), \(ada.userID), '2026-11-30 10:00:00')")
            #expect(try await db.userWithIncomingRequests(id: ada.userID, session: first)?.incomingRequests == 1)

            try await db.touchSession(first, now: Self.now + 60, interval: 300)
            #expect(try await db.user(id: ada.userID, session: first)?.lastSeen == Self.now, "seen within the interval: not written")
            try await db.touchSession(first, now: Self.now + 600, interval: 300)
            #expect(try await db.user(id: ada.userID, session: first)?.lastSeen == Self.now + 600)
            #expect(try await db.user(id: ada.userID)?.lastActiveAt == Self.now + 600, "the user is active when a session is")
            #expect(try await db.signInSessions(userID: ada.userID).map(\.id) == [first, second], "most recently seen first")
            #expect(try await db.signInSessions(userID: ada.userID).first?.device == "Firefox on Linux")

            #expect(try await !db.endSession(first, userID: bob.userID, logging: nil, at: Self.now), "not bob's")
            #expect(try await db.endSession(first, userID: ada.userID, logging: SecurityEvent(.sessionRevoked, ip: "192.0.2.9"), at: Self.now))
            #expect(try await !db.endSession(first, userID: ada.userID, logging: nil, at: Self.now), "already gone")
            #expect(try await db.user(id: ada.userID, session: first) == nil)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'session_revoked' AND detail = 'Firefox on Linux'") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func refreshTokensRotateOnceAndAReusedOneEndsItsSession(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let expires = Self.now + 3_600
            let session = try await db.startSession(userID: ada.userID, origin: SignInOrigin(device: "app", ip: "192.0.2.1"), refresh: ("t1", expires), now: Self.now)
            guard case .rotated(let user, let rotatedSession) = try await db.rotateRefreshToken(presentedHash: "t1", successorHash: "t2", now: Self.now + 10, expires: expires)
            else { Issue.record("t1 should rotate"); return }
            #expect(user.userID == ada.userID && rotatedSession == session)
            #expect(try await db.user(id: ada.userID, session: session)?.lastSeen == Self.now + 10)
            guard case .reused = try await db.rotateRefreshToken(presentedHash: "t1", successorHash: "t3", now: Self.now + 20, expires: expires)
            else { Issue.record("t1 again is a reuse"); return }
            #expect(try await db.user(id: ada.userID, session: session) == nil, "the session ended")
            guard case .invalid = try await db.rotateRefreshToken(presentedHash: "t2", successorHash: "t4", now: Self.now + 30, expires: expires)
            else { Issue.record("t2 died with its session"); return }
            guard case .invalid = try await db.rotateRefreshToken(presentedHash: "unknown", successorHash: "t5", now: Self.now, expires: expires)
            else { Issue.record("unknown"); return }

            _ = try await db.startSession(userID: ada.userID, origin: SignInOrigin(device: "app", ip: "192.0.2.1"), refresh: ("u1", Self.now + 5), now: Self.now)
            guard case .invalid = try await db.rotateRefreshToken(presentedHash: "u1", successorHash: "u2", now: Self.now + 6, expires: expires)
            else { Issue.record("expired"); return }
        }
    }

    @Test(arguments: Backend.available)
    func loggingOutByRefreshTokenEndsOnlyTheOwnersSession(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let bob = try await Self.newUser(store, "bob")
            let session = try await db.startSession(userID: ada.userID, origin: SignInOrigin(device: "app", ip: "192.0.2.1"), refresh: ("t1", Self.now + 3_600), now: Self.now)
            #expect(try await db.endSession(refreshTokenHash: "t1", userID: bob.userID, now: Self.now) == nil)
            #expect(try await db.endSession(refreshTokenHash: "nope", userID: nil, now: Self.now) == nil)
            #expect(try await db.user(id: ada.userID, session: session) != nil)
            #expect(try await db.endSession(refreshTokenHash: "t1", userID: ada.userID, now: Self.now) == ada.userID)
            #expect(try await db.user(id: ada.userID, session: session) == nil)
            #expect(try await store.integer("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL") == 0)
        }
    }

    @Test(arguments: Backend.available)
    func endingAllSessionsChangesThePasswordAndLogsItAtomically(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let bob = try await Self.newUser(store, "bob")
            let origin = SignInOrigin(device: "app", ip: "192.0.2.1")
            let session = try await db.startSession(userID: ada.userID, origin: origin, refresh: ("t1", Self.now + 3_600), now: Self.now)
            let bobs = try await db.startSession(userID: bob.userID, origin: origin, refresh: nil, now: Self.now)
            try await db.endAllSessions(userID: ada.userID, newPasswordHash: "hash-2", logging: SecurityEvent(.passwordChanged, ip: "192.0.2.1"), at: Self.now)
            let after = try #require(try await db.user(id: ada.userID))
            #expect(after.passwordHash == "hash-2" && after.tokenVersion == 1)
            #expect(try await db.user(id: ada.userID, session: session) == nil)
            #expect(try await db.user(id: bob.userID, session: bobs) != nil, "other users keep theirs")
            guard case .invalid = try await db.rotateRefreshToken(presentedHash: "t1", successorHash: "t2", now: Self.now, expires: Self.now + 3_600)
            else { Issue.record("revoked"); return }
            try await db.endAllSessions(userID: ada.userID, at: Self.now)
            #expect(try await db.user(id: ada.userID)?.passwordHash == "hash-2", "no new password: the old one stays")
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'password_changed'") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func taskPagesGoNewestFirstFilteredAndSearchedLiterally(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let bob = try await Self.newUser(store, "bob")
            let titles = ["Write the REPORT", "100% done", "snake_case names", "Plan", "report draft"]
            var ids: [Int64] = []
            for (index, title) in titles.enumerated() {
                let content = try TaskContent(title: title, description: index == 3 ? "about the report" : "", estimatePomodoros: index == 0 ? 2 : nil)
                ids.append(try await db.createTask(userID: ada.userID, content: content, status: index == 1 ? .inProgress : .todo, now: Self.now).taskID)
            }
            _ = try await db.createTask(userID: bob.userID, content: try TaskContent(title: "bob's report", description: "", estimatePomodoros: nil), status: .todo, now: Self.now)

            let first = try await db.tasks(userID: ada.userID, TaskQuery(limit: 2))
            #expect(first.items.map(\.taskID) == [ids[4], ids[3]] && first.nextCursor == ids[3])
            let second = try await db.tasks(userID: ada.userID, TaskQuery(limit: 2, before: first.nextCursor))
            #expect(second.items.map(\.taskID) == [ids[2], ids[1]] && second.nextCursor == ids[1])
            let last = try await db.tasks(userID: ada.userID, TaskQuery(limit: 2, before: second.nextCursor))
            #expect(last.items.map(\.taskID) == [ids[0]] && last.nextCursor == nil)
            #expect(last.items.first?.estimatePomodoros == 2 && last.items.first?.createdAt == Self.now)

            #expect(try await db.tasks(userID: ada.userID, TaskQuery(status: .inProgress)).items.map(\.taskID) == [ids[1]])
            let tab = try await db.tasks(userID: ada.userID, TaskQuery(status: .todo, limit: 2, before: ids[4]))
            #expect(tab.items.map(\.taskID) == [ids[3], ids[2]] && tab.nextCursor == ids[2], "a status tab pages past other statuses")
            let tabEnd = try await db.tasks(userID: ada.userID, TaskQuery(status: .todo, limit: 2, before: tab.nextCursor))
            #expect(tabEnd.items.map(\.taskID) == [ids[0]] && tabEnd.nextCursor == nil, "and not into bob's")
            #expect(try await db.tasks(userID: ada.userID, TaskQuery(search: " report ")).items.map(\.taskID) == [ids[4], ids[3], ids[0]], "any case, title or description")
            #expect(try await db.tasks(userID: ada.userID, TaskQuery(search: "%")).items.map(\.taskID) == [ids[1]], "% is a percent sign")
            #expect(try await db.tasks(userID: ada.userID, TaskQuery(search: "e_c")).items.map(\.taskID) == [ids[2]], "_ is an underscore")
            #expect(try await db.tasks(userID: ada.userID, TaskQuery(status: .todo, search: "report", before: ids[4])).items.map(\.taskID) == [ids[3], ids[0]])
            #expect(try await db.task(id: ids[0], userID: bob.userID) == nil, "not bob's")
            #expect(try await db.task(id: ids[0], userID: ada.userID)?.title == "Write the REPORT")
        }
    }

    @Test(arguments: Backend.available)
    func aTaskEarnsItsCompletionXPOnceAndAnnouncesIt(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            try await store.execute(
                "INSERT INTO webhooks (user_id, url, events, format, secret, created_at) VALUES (\(ada.userID), 'https://example.com/h', 'task.completed', 'json', 's', '2026-11-30 10:00:00')")
            let task = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Ship", description: "", estimatePomodoros: nil), status: .todo, now: Self.now)
            let done = try #require(try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now + 5, change: Self.status(.done)))
            #expect(done.xpEarned == TaskCompletionXP.amount && done.task.completedAt == Self.now + 5 && done.task.updatedAt == Self.now + 5)
            _ = try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now + 6, change: Self.status(.todo))
            #expect(try await db.task(id: task.taskID, userID: ada.userID)?.completedAt == nil)
            let again = try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now + 7, change: Self.status(.done))
            #expect(again?.xpEarned == 0, "once per task")
            let born = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Done already", description: "", estimatePomodoros: nil), status: .done, now: Self.now)
            #expect(born.completedAt == Self.now)
            #expect(try await db.user(id: ada.userID)?.xp == 2 * TaskCompletionXP.amount)
            #expect(try await store.integer("SELECT count(*) FROM xp_ledger") == 2)
            #expect(try await store.integer("SELECT count(*) FROM webhook_outbox WHERE event = 'task.completed'") == 2)
            #expect(try await db.completedTasks(userID: ada.userID, limit: 10).isEmpty, "no pomodoros yet")
        }
    }

    @Test(arguments: Backend.available)
    func taskChangesAreTheOwnersAndARefusedChangeChangesNothing(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let bob = try await Self.newUser(store, "bob")
            let published = Mutex<[LiveChange]>([])
            store.liveChanges.listen { changes in published.withLock { $0 += changes } }
            let task = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Ship", description: "", estimatePomodoros: 3), status: .todo, now: Self.now)
            #expect(published.withLock { $0.map(\.taskIDs) } == [[task.taskID]])

            #expect(try await db.updateTask(id: task.taskID, userID: bob.userID, now: Self.now, change: Self.status(.done)) == nil)
            await #expect(throws: AppError.self) {
                try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now, change: Self.refused)
            }
            #expect(published.withLock { $0.count } == 1, "nothing committed, nothing published")
            let edited = try #require(try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now + 1, change: Self.edit))
            #expect(edited.task.title == "Ship!" && edited.task.description == "now" && edited.task.estimatePomodoros == nil)
            #expect(try await db.task(id: task.taskID, userID: ada.userID) == edited.task)
            #expect(try await !db.deleteTask(id: task.taskID, userID: bob.userID))
            #expect(try await db.deleteTask(id: task.taskID, userID: ada.userID))
            #expect(try await !db.deleteTask(id: task.taskID, userID: ada.userID))
            #expect(published.withLock { $0.map(\.topic) } == [.tasks, .tasks, .tasks])
        }
    }

    /// Many completions of one task at once (on PostgreSQL: many connections, as several
    /// instances would make them) earn its XP once.
    @Test(arguments: Backend.available)
    func completingATaskFromManyPlacesAtOnceEarnsItsXPOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await Self.newUser(store)
            let task = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Ship", description: "", estimatePomodoros: nil), status: .todo, now: Self.now)
            let earned = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await db.updateTask(id: task.taskID, userID: ada.userID, now: Self.now, change: Self.status(.done))?.xpEarned ?? 0 }
                }
                return try await group.reduce(0, +)
            }
            #expect(earned == TaskCompletionXP.amount)
            #expect(try await db.user(id: ada.userID)?.xp == TaskCompletionXP.amount)
        }
    }
}
