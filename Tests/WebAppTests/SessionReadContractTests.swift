import Domain
import Foundation
import PostgresNIO
import Testing

@testable import WebApp

/// The reads of a page with the user of a sign-in session (``SessionRead``) on both
/// backends: the same page as the plain reads, the user only for their own live session,
/// and on PostgreSQL a statement planned once per connection.
@Suite struct SessionReadContractTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func aTaskPageIsReadWithItsSessionsUser(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let (ada, bob, session) = try await Self.adaAndBob(store)
            for title in ["First", "Second", "Third"] {
                _ = try await db.createTask(userID: ada.userID, content: try TaskContent(title: title, description: "", estimatePomodoros: nil), status: .todo, now: Self.now)
            }
            let read = try #require(try await db.tasks(userID: ada.userID, session: session, TaskQuery(limit: 2)))
            #expect(read.user.username == "ada" && read.lastSeen == Self.now && read.incomingRequests == 0)
            #expect(read.page.items.map(\.title) == ["Third", "Second"] && read.page.nextCursor == read.page.items.last?.id)
            let next = try #require(try await db.tasks(userID: ada.userID, session: session, TaskQuery(limit: 2, before: read.page.nextCursor)))
            #expect(next.page.items.map(\.title) == ["First"] && next.page.nextCursor == nil)
            let searched = try #require(try await db.tasks(userID: ada.userID, session: session, TaskQuery(search: "sec")))
            #expect(searched.page.items.map(\.title) == ["Second"], "a filtered page too")

            #expect(try await db.tasks(userID: bob.userID, session: session, TaskQuery()) == nil, "another user's session")
            #expect(try await db.endSession(session, userID: ada.userID, logging: nil, at: Self.now))
            #expect(try await db.tasks(userID: ada.userID, session: session, TaskQuery()) == nil, "an ended session")
        }
    }

    @Test(arguments: Backend.available)
    func theDashboardIsReadWithItsSessionsUser(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let (ada, bob, session) = try await Self.adaAndBob(store)
            _ = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Open", description: "", estimatePomodoros: nil), status: .todo, now: Self.now)
            _ = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Done", description: "", estimatePomodoros: nil), status: .done, now: Self.now)
            try await store.execute("INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (\(bob.userID), \(ada.userID), '2026-11-30 10:00:00')")
            for day in ["2027-01-10", "2027-01-14", "2027-01-20"] {
                try await store.execute("INSERT INTO daily_totals (user_id, day, seconds) VALUES (\(ada.userID), '\(day)', 1800)")
            }
            let (from, to) = (try #require(LocalDate("2027-01-12")), try #require(LocalDate("2027-01-16")))
            let read = try #require(try await db.dashboardSnapshot(userID: ada.userID, session: session, tasks: TaskQuery(limit: 20), from: from, to: to))
            #expect(read.user.username == "ada" && read.lastSeen == Self.now && read.incomingRequests == 1)
            #expect(read.page.tasks.items.map(\.title) == ["Done", "Open"] && read.page.panels.openTasks.map(\.title) == ["Open"])
            #expect(read.page.panels.totals == [try #require(LocalDate("2027-01-14")): 1800], "the range's days only")
            let done = try #require(try await db.dashboardSnapshot(userID: ada.userID, session: session, tasks: TaskQuery(status: .done), from: from, to: to))
            #expect(done.page.tasks.items.map(\.title) == ["Done"] && done.incomingRequests == 1, "a status tab too")
            let found = try #require(try await db.dashboardSnapshot(userID: ada.userID, session: session, tasks: TaskQuery(status: .todo, search: "PE"), from: from, to: to))
            #expect(found.page.tasks.items.map(\.title) == ["Open"] && found.page.panels.openTasks.map(\.title) == ["Open"], "and a search")

            #expect(try await db.dashboardSnapshot(userID: bob.userID, session: session, tasks: TaskQuery(), from: from, to: to) == nil)
            #expect(try await db.endSession(session, userID: ada.userID, logging: nil, at: Self.now))
            #expect(try await db.dashboardSnapshot(userID: ada.userID, session: session, tasks: TaskQuery(), from: from, to: to) == nil)
        }
    }

    /// PostgreSQL plans a prepared statement for each run until a generic plan looks no
    /// dearer than the custom ones (after five runs); the signed-in reads and the plain task
    /// page and a status tab's must get there, or each request pays ~1.5 ms of PostgreSQL's CPU planning the
    /// dashboard.
    @Test(.enabled(if: TestPostgres.available)) func theSignedInStatementsArePlannedOnce() async throws {
        try await TestStore.with(.postgres) { store in
            let postgres = try #require(store.storage as? PostgresStore)
            let (ada, _, session) = try await Self.adaAndBob(store)
            // The plans are chosen by the statistics: 300 people with 100 tasks and 60 days each.
            try await store.execute("INSERT INTO users (username, password_hash, created_at) SELECT 'user' || g, 'h', now() FROM generate_series(1, 300) g")
            try await store.execute(
                """
                INSERT INTO tasks (user_id, title, status, created_at, updated_at)
                SELECT u.id, 'Task ' || g, (ARRAY['todo', 'in_progress', 'done'])[1 + g % 3], now(), now() FROM users u, generate_series(1, 100) g
                """)
            try await store.execute("INSERT INTO daily_totals (user_id, day, seconds) SELECT u.id, DATE '2026-11-01' + g, 1800 FROM users u, generate_series(1, 60) g")
            try await store.execute("ANALYZE")
            let day = try #require(LocalDate("2026-12-15"))
            let plans = try await postgres.read { connection in
                for _ in 0..<8 {
                    _ = try await PostgresDashboardRows.read(
                        DashboardStatement(panels: PanelsStatement(userID: ada.userID, from: day.adding(days: -84), to: day), query: TaskQuery(limit: 20)),
                        on: connection, logger: TestPostgres.logger)
                    _ = try await PostgresDashboardRows.read(
                        SignedInDashboardStatement(panels: PanelsStatement(userID: ada.userID, from: day.adding(days: -84), to: day), page: TaskQuery(limit: 20), session: session),
                        on: connection, logger: TestPostgres.logger)
                    for try await _ in try await connection.execute(SignedInTaskPageStatement(userID: ada.userID, page: TaskQuery(), session: session), logger: TestPostgres.logger) {}
                    for try await _ in try await connection.execute(PlainTaskPageStatement(userID: ada.userID, page: TaskQuery(limit: 20)), logger: TestPostgres.logger) {}
                    for try await _ in try await connection.execute(
                        StatusTaskPageStatement(userID: ada.userID, status: .todo, page: TaskQuery(status: .todo, limit: 20)), logger: TestPostgres.logger)
                    {}
                    for try await _ in try await connection.execute(TaskPageStatement(userID: ada.userID, query: TaskQuery(status: .todo, limit: 20)), logger: TestPostgres.logger) {}
                    _ = try await PostgresDashboardRows.read(
                        StatusDashboardStatement(
                            panels: PanelsStatement(userID: ada.userID, from: day.adding(days: -84), to: day), status: .done, query: TaskQuery(status: .done, limit: 20)),
                        on: connection, logger: TestPostgres.logger)
                }
                var plans: [String: Int] = [:]
                for try await (name, generic) in try await connection.query("SELECT name, generic_plans FROM pg_prepared_statements", logger: TestPostgres.logger)
                    .decode((String, Int).self)
                {
                    plans[name] = generic
                }
                return plans
            }
            #expect(plans[String(reflecting: SignedInDashboardStatement.self)] ?? 0 > 0, "\(plans)")
            #expect(plans[String(reflecting: SignedInTaskPageStatement.self)] ?? 0 > 0, "\(plans)")
            #expect(plans[String(reflecting: PlainTaskPageStatement.self)] ?? 0 > 0, "a plain page apart (quick add, load more): \(plans)")
            #expect(plans[String(reflecting: StatusTaskPageStatement.self)] ?? 0 > 0, "a status tab: \(plans)")
            #expect(plans[String(reflecting: StatusDashboardStatement.self)] ?? 0 > 0, "a whole page on a status tab: \(plans)")
            #expect(plans[String(reflecting: TaskPageStatement.self)] == 0, "where the statement with every filter is planned for each run: \(plans)")
            #expect(plans[String(reflecting: DashboardStatement.self)] == 0, "with the optional filters, planned for each run: \(plans)")
        }
    }

    private static func adaAndBob(_ store: TestStore) async throws -> (ada: UserRecord, bob: UserRecord, session: Int64) {
        let ada = try await store.storage.createUser(UserRecord(username: "ada", passwordHash: "hash-1", timezone: "Europe/Berlin", createdAt: now))
        let bob = try await store.storage.createUser(UserRecord(username: "bob", passwordHash: "hash-1", timezone: "Europe/Berlin", createdAt: now))
        let session = try await store.storage.startSession(userID: ada.userID, origin: SignInOrigin(device: "curl", ip: "192.0.2.1"), refresh: nil, now: now)
        return (ada, bob, session)
    }
}
