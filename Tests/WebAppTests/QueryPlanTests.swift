import Domain
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import WebApp

/// The statements the app really runs on its hot paths — captured from the database's
/// trace while pages and API calls are served over a seeded database, not copies of the
/// SQL — are planned without a full scan of a table (SQLite's `EXPLAIN QUERY PLAN`).
@Suite(.sqliteOnly, .closingTestApps) struct QueryPlanTests {
    /// Scans that are the point of the statement, each with its reason.
    static let allowedScans: [(statement: String, reason: String)] = [
        ("WHERE username LIKE", "the admin's search by one or two characters compares every name (the trigram index needs three)"),
        ("users_search MATCH", "the admin's search reads the trigram index (a virtual table's plan says SCAN of its index)"),
        ("FROM 'main'.'users_search_", "SQLite's full-text index reads its own tables"),
        ("AS sort_key FROM users", """
            the admin page walks users through the sort's index up to its LIMIT (a co-routine, `u`), then orders those \
            rows; checked below: its users are read through an index
            """),
        ("COUNT(*) FILTER (WHERE last_active_at", "the admin's site totals count every user; cached for ten seconds"),
        ("FROM sqlite_master", "GRDB reads the schema once per connection"),
        ("FROM webhook_outbox WHERE status IN", "the outbox backlog (for /metrics) counts the undelivered items: the partial index holds only those"),
    ]

    /// Tables of one row, kept by triggers (migration v17).
    static let oneRowTables: Set<String> = ["SCAN user_count", "SCAN focus_7d_window"]

    @Test func theAppsOwnStatementsUseIndexes() async throws {
        let log = StatementLog()
        let app = try await TestApp.make(trace: { log.record($0) })
        let seeder = Seeder(
            database: try app.sqlite, plan: .init(users: 30, tasksPerUser: 20, sessionsPerUser: 40, days: 60), passwordHash: "x",
            qualifySeconds: 1800, now: app.clock.now)
        try await seeder.run { _ in }
        try await app.addAdmin()
        let user = try #require(try await app.services.database.user(id: 3))
        let friend = try #require(try await app.services.database.user(id: 4))
        let token = try await app.services.accounts.issueTokens(for: user, origin: SignInOrigin(device: "wrk", ip: "127.0.0.1")).accessToken
        let (_, statements) = try await log.measure {
            try await app.test { client in
                try await Self.walkTheHotPaths(client, token: token, friend: friend.username)
            }
        }
        #expect(statements.count > 60, "the walk ran the app's statements")
        var plans: [String: String] = [:]
        for sql in Set(statements) {
            plans[sql] = try await app.sqlite.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for (sql, plan) in plans.sorted(by: { $0.key < $1.key }) where !Self.allowedScans.contains(where: { sql.contains($0.statement) }) {
            // Plans name tables by their alias (`SCAN d`): any scan fails but of a constant
            // row or of a subquery's own (bounded) result.
            let scans = plan.split(separator: "; ").filter {
                $0.hasPrefix("SCAN ") && $0 != "SCAN CONSTANT ROW" && !$0.hasPrefix("SCAN (subquery-") && !Self.oneRowTables.contains(String($0))
            }
            #expect(scans.isEmpty, "\(sql) → \(plan)")
            #expect(!plan.contains("TEMP B-TREE FOR ORDER BY"), "\(sql) → \(plan)")
        }
        for (sql, plan) in plans where sql.contains("AS sort_key FROM users") {
            let users = plan.split(separator: "; ").filter { $0 == "SCAN users" || $0.hasPrefix("SCAN users ") }
            #expect(users.allSatisfy { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") }, "\(sql) → \(plan)")
        }
        let all = plans.values.joined(separator: "\n")
        #expect(all.contains("SEARCH tasks USING COVERING INDEX tasks_open_by_user"), "the timer's picker reads only its own index")
        for index in ["users_by_created", "users_by_xp", "users_by_focus_7d"] {
            #expect(all.contains(index), "the admin's first page walks \(index) in the sort's order")
        }
    }

    /// Every page and API call a signed-in user and an admin make most.
    static func walkTheHotPaths(_ client: any TestClientProtocol, token: String, friend: String) async throws {
        let browser = Browser(client)
        browser.cookies["fq_session"] = token
        try await browser.get("/dashboard")
        try await browser.get("/dashboard?status=todo&q=plan", hx: true)
        let created = try await client.api(.post, "/api/v1/tasks", json: #"{"title": "plan the week"}"#, token: token)
        let id = try #require(try created.json()["id"] as? Int)
        try await browser.post("/tasks/\(id)/status", ["status": "in_progress"], hx: true)
        try await browser.post("/tasks", ["title": "write it down"], hx: true)
        try await browser.post("/timer/start", ["kind": "focus", "task_id": String(id)], hx: true)
        try await browser.get("/timer/panel", hx: true)
        try await browser.post("/timer/pause", hx: true)
        try await browser.post("/timer/resume", hx: true)
        try await browser.post("/timer/complete", hx: true)
        try await browser.get("/friends")
        try await browser.get("/settings")
        let page = try await client.api(.get, "/api/v1/tasks?limit=5", token: token).json()
        let cursor = try #require(page["next_cursor"] as? String)
        for uri in [
            "/api/v1/tasks?status=done&limit=5&cursor=\(cursor)", "/api/v1/tasks?q=plan", "/api/v1/tasks/\(id)", "/api/v1/timer", "/api/v1/streak",
            "/api/v1/stats/daily?days=30", "/api/v1/sessions?from=2026-01-01&to=2026-12-31", "/api/v1/friends", "/api/v1/leaderboard", "/api/v1/kv",
            "/api/v1/users/3/streak", "/api/v1/me",
        ] {
            #expect(try await client.api(.get, uri, token: token).status == .ok, "\(uri)")
        }
        let now = Date()
        let session = #"{"session_id": "plan-1", "start_time": "\#(RFC3339.string(now.addingTimeInterval(-1800)))", "end_time": "\#(RFC3339.string(now))"}"#
        _ = try await client.api(.post, "/api/v1/sessions", json: session, token: token)
        _ = try await client.api(.put, "/api/v1/kv/ui.prefs", json: #"{"theme": "dark"}"#, token: token)
        _ = try await client.api(.get, "/api/v1/kv/ui.prefs", token: token)
        _ = try await client.api(.post, "/api/v1/friends/requests", json: #"{"username": "\#(friend)"}"#, token: token)
        _ = try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"status": "done"}"#, token: token)
        let root = try await client.apiLogin("root")
        for sort in ["", "-created", "last_active", "-focus_7d", "xp", "-xp"] {
            _ = try await client.api(.get, "/api/v1/admin/users?sort=\(sort)", token: root)
        }
        _ = try await client.api(.get, "/api/v1/admin/users?q=user1&page=2", token: root)
        _ = try await client.api(.patch, "/api/v1/admin/users/5", json: #"{"is_admin": true}"#, token: root)
        _ = try await client.api(.delete, "/api/v1/tasks/\(id)", token: token)
    }
}
