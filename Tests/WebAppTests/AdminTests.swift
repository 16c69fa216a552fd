import Domain
import Foundation
import GRDB
import Synchronization
import Testing

@testable import WebApp

/// Collects the SQL statements the database runs.
final class StatementLog: Sendable {
    private let statements = Mutex<[String]>([])
    private let recording = Mutex(false)

    func record(_ sql: String) {
        guard recording.withLock({ $0 }) else { return }
        let verb = sql.drop(while: \.isWhitespace).prefix(6).uppercased()
        if ["SELECT", "INSERT", "UPDATE", "DELETE"].contains(verb) { statements.withLock { $0.append(sql) } }
    }

    func measure<T>(_ body: () async throws -> T) async rethrows -> (T, [String]) {
        statements.withLock { $0 = [] }
        recording.withLock { $0 = true }
        let result = try await body()
        recording.withLock { $0 = false }
        return (result, statements.withLock { $0 })
    }
}

@Suite(.closingTestApps) struct AdminTests {
    /// An admin (`root`) plus `count - 1` users with tasks and focus.
    func seeded(_ count: Int, log: StatementLog? = nil) async throws -> (TestApp, String) {
        var trace: (@Sendable (String) -> Void)?
        if let log { trace = { log.record($0) } }
        let app = try await TestApp.make(trace: trace)
        try await app.addAdmin()
        if count > 1 {
            let now = app.timestamp(app.clock.now)
            let users = (1..<count).map { "('user\($0)', 'x', \(app.timestamp(app.clock.now.addingTimeInterval(Double($0)))), \($0 * 7 % 500))" }
            try await app.execute("INSERT INTO users (username, password_hash, created_at, xp) VALUES \(users.joined(separator: ", "))")
            for (title, status) in [("t", "todo"), ("u", "done")] {
                try await app.execute("INSERT INTO tasks (user_id, title, status, created_at, updated_at) SELECT id, '\(title)', '\(status)', \(now), \(now) FROM users WHERE id > 1")
            }
            let totals = (1..<count).map { "(\($0 + 1), '\(LocalDate(app.clock.now, in: .gmt))', \($0 % 90 * 60))" }
            try await app.execute("INSERT INTO daily_totals (user_id, day, seconds) VALUES \(totals.joined(separator: ", "))")
        }
        let token = try await app.test { client in try await client.apiLogin("root") }
        return (app, token)
    }

    @Test(.sqliteOnly, arguments: [1, 50, 3000])
    func theOverviewCostsAtMostThreeStatements(users: Int) async throws {
        let log = StatementLog()
        let (app, token) = try await seeded(users, log: log)
        try await app.test { client in
            _ = try await client.api(.get, "/api/v1/me", token: token)
            // A day's first sort by 7-day focus moves the stored window first (one write a day).
            _ = try await client.api(.get, "/api/v1/admin/users?sort=-focus_7d", token: token)
            let (page, statements) = try await log.measure { try await client.api(.get, "/api/v1/admin/users?sort=-focus_7d", token: token) }
            #expect(page.status == .ok)
            #expect(statements.count <= 3, "\(statements.count) statements: \(statements)")
            #expect((try page.json()["items"] as? [Any])?.count == min(users, 50))
            let browser = Browser(client)
            try await browser.get("/login")
            try await browser.post("/login", ["username": "root", "password": "correct horse battery"])
            let (html, pageStatements) = try await log.measure { try await browser.get("/admin") }
            #expect(html.status == .ok)
            #expect(pageStatements.count <= 3, "\(pageStatements)")
        }
    }

    @Test func overviewShapeSearchSortAndPaging() async throws {
        let (app, token) = try await seeded(120)
        try await app.test { client in
            let first = try await client.api(.get, "/api/v1/admin/users", token: token).json()
            #expect(first["page"] as? Int == 1 && first["pages"] as? Int == 3 && first["total"] as? Int == 120)
            let totals = try #require(first["totals"] as? [String: Int])
            #expect(totals["users"] == 120 && totals["tasks"] == 238 && totals["active_7d"] == 1)
            let items = try #require(first["items"] as? [[String: Any]])
            #expect(items.first?["username"] as? String == "user119", "newest first by default")
            let item = try #require(items.first)
            for key in ["id", "username", "is_admin", "disabled", "created_at", "last_active_at", "tasks", "focus_minutes_7d", "focus_minutes_total", "current_streak", "xp", "level"] {
                #expect(item.keys.contains(key), "missing \(key)")
            }
            #expect(item["tasks"] as? [String: Int] == ["todo": 1, "in_progress": 0, "done": 1])
            #expect(item["focus_minutes_7d"] as? Int == 119 % 90)

            let third = try await client.api(.get, "/api/v1/admin/users?page=3", token: token).json()
            #expect((third["items"] as? [Any])?.count == 20)
            let search = try await client.api(.get, "/api/v1/admin/users?q=user11", token: token).json()
            #expect(search["total"] as? Int == 11)
            let byXP = try #require(try await client.api(.get, "/api/v1/admin/users?sort=-xp", token: token).json()["items"] as? [[String: Any]])
            let xps = byXP.compactMap { $0["xp"] as? Int }
            #expect(xps == xps.sorted(by: >))
            let byFocus = try #require(try await client.api(.get, "/api/v1/admin/users?sort=focus_7d", token: token).json()["items"] as? [[String: Any]])
            let focus = byFocus.compactMap { $0["focus_minutes_7d"] as? Int }
            #expect(focus == focus.sorted())
            #expect(try await client.api(.get, "/api/v1/admin/users?sort=name", token: token).errorFields?["sort"] != nil)
            #expect(try await client.api(.get, "/api/v1/admin/users?page=0", token: token).errorFields?["page"] != nil)
        }
    }

    /// Totals scan whole tables, so they are shared for ten seconds, then recomputed.
    @Test func totalsAreCachedBriefly() async throws {
        let (app, token) = try await seeded(2)
        try await app.test { client in
            func users() async throws -> Int? {
                (try await client.api(.get, "/api/v1/admin/users", token: token).json()["totals"] as? [String: Int])?["users"]
            }
            #expect(try await users() == 2)
            _ = try await client.apiSignup("newcomer")
            #expect(try await users() == 2)
            #expect(try await client.api(.get, "/api/v1/admin/users", token: token).json()["total"] as? Int == 3, "the page itself is never stale")
            app.clock.advance(by: 11)
            #expect(try await users() == 3)
        }
    }

    @Test func onlyAdminsGetIn() async throws {
        let (app, _) = try await seeded(1)
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let api = try await client.api(.get, "/api/v1/admin/users", token: ada.access)
            #expect(api.status == .forbidden && api.errorCode == "forbidden")
            #expect(try await client.api(.patch, "/api/v1/admin/users/1", json: #"{"disabled":true}"#, token: ada.access).status == .forbidden)
            let browser = Browser(client)
            try await browser.signup("bob")
            let page = try await browser.get("/admin")
            #expect(page.status == .forbidden)
            #expect(page.text.contains("<!doctype html>") && page.text.contains("Not allowed"))
            #expect(page.text.contains("Sign out <span class=\"muted\">(bob)</span>"), "the error page keeps the signed-in navigation")
            #expect(try await browser.post("/admin/users/1", ["action": "demote"]).status == .forbidden)
            #expect(try await Browser(client).get("/admin").headers[.location] == "/login?next=%2Fadmin")
        }
    }

    @Test func selfProtectionAndTheLastAdmin() async throws {
        let (app, token) = try await seeded(3)
        try await app.test { client in
            let selfDemote = try await client.api(.patch, "/api/v1/admin/users/1", json: #"{"is_admin":false}"#, token: token)
            #expect(selfDemote.status == .conflict && selfDemote.errorCode == "self_protection")
            #expect(try await client.api(.patch, "/api/v1/admin/users/1", json: #"{"disabled":true}"#, token: token).errorCode == "self_protection")
            let promoted = try await client.api(.patch, "/api/v1/admin/users/2", json: #"{"is_admin":true}"#, token: token)
            #expect(try promoted.json()["is_admin"] as? Bool == true)
            #expect(try await client.api(.patch, "/api/v1/admin/users/2", json: #"{"is_admin":false}"#, token: token).status == .ok)
            #expect(try await client.api(.patch, "/api/v1/admin/users/99", json: #"{"is_admin":true}"#, token: token).status == .notFound)
        }
        try await app.execute("UPDATE users SET is_admin = TRUE WHERE id = 2")
        await #expect(throws: AdminConflict.self) {
            try await app.execute("UPDATE users SET disabled = TRUE WHERE id = 1")
            _ = try await app.services.database.adminUpdate(userID: 2, by: 3, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: SecurityEvent(.adminChangedAccount, ip: nil), now: Date())
        }
    }

    @Test func disablingEndsSessionsAtOnce() async throws {
        let (app, token) = try await seeded(1)
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .ok)
            let disabled = try await client.api(.patch, "/api/v1/admin/users/\(ada.id)", json: #"{"disabled":true}"#, token: token)
            #expect(try disabled.json()["disabled"] as? Bool == true)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .unauthorized)
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(ada.id)", json: #"{"disabled":false}"#, token: token).status == .ok)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .unauthorized, "old tokens stay dead")
            #expect(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).status == .ok)
        }
    }

    @Test func pageActionsSwapTheRow() async throws {
        let (app, _) = try await seeded(3)
        try await app.test { client in
            let browser = Browser(client)
            try await browser.get("/login")
            try await browser.post("/login", ["username": "root", "password": "correct horse battery"])
            let page = try await browser.get("/admin?sort=-xp")
            #expect(page.text.contains("user2") && page.text.contains("3 users"))
            #expect(page.text.contains(#"aria-sort="descending""#))
            let fragment = try await browser.get("/admin?q=user2", hx: true)
            #expect(fragment.text.hasPrefix("\n<div id=\"admin-table\">") || fragment.text.contains(#"<div id="admin-table">"#))
            #expect(!fragment.text.contains("<!doctype") && !fragment.text.contains("user1<"))
            let row = try await browser.post("/admin/users/2", ["action": "disable"], hx: true)
            #expect(row.text.contains(#"<tr id="user-2" class="disabled">"#) && row.text.contains("Enable"))
            let selfRow = try await browser.post("/admin/users/1", ["action": "demote"], hx: true)
            #expect(selfRow.status == .conflict && selfRow.text.contains(#"<tr id="user-1""#), "the row comes back")
            #expect(selfRow.text.contains(#"role="alert">You cannot demote or disable yourself.</p>"#), "with the reason in it")
            #expect(try await browser.post("/admin/users/2", ["action": "promote"]).headers[.location] == "/admin")
        }
    }

    @Test(.sqliteOnly) func lastActiveIsWrittenAtMostEveryFewMinutes() async throws {
        let log = StatementLog()
        let app = try await TestApp.make(trace: { log.record($0) })
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            _ = try await client.api(.get, "/api/v1/me", token: ada.access)
            let (_, quiet) = try await log.measure { try await client.api(.get, "/api/v1/me", token: ada.access) }
            #expect(!quiet.contains { $0.hasPrefix("UPDATE sign_in_sessions SET last_seen_at") })
            app.clock.advance(by: 301)
            let (_, touched) = try await log.measure { try await client.api(.get, "/api/v1/me", token: ada.access) }
            #expect(touched.filter { $0.hasPrefix("UPDATE sign_in_sessions SET last_seen_at") }.count == 1, "\(touched)")
            let stored = try await app.services.database.user(id: Int64(ada.id))?.lastActiveAt
            #expect(stored.map { abs($0.timeIntervalSince(app.clock.now)) < 1 } == true)
        }
    }
}
