import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import WebApp

/// The requests `make bench` drives cost at most three SQL statements each, with a
/// running timer, a streak, focus history and more tasks than a page shows — on SQLite
/// counted by its trace, on PostgreSQL by the server itself (``ServerStatementCount``);
/// on both the statements that read or write, not BEGIN and COMMIT.
@Suite(.closingTestApps) struct HotPathTests {
    @Test func hotRequestsCostAtMostThreeStatements() async throws {
        let log = StatementLog()
        let app = try await TestApp.make(trace: { log.record($0) })
        let count = StatementCount(log: log, server: try await ServerStatementCount(app))
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            for index in 0..<30 { try await browser.post("/tasks", ["title": "Task \(index)"]) }
            let sessions = (0..<5).map { day in
                let end = app.clock.now.addingTimeInterval(Double(-day * 86_400))
                return #"{"session_id":"s\#(day)","start_time":"\#(RFC3339.string(end.addingTimeInterval(-1800)))","end_time":"\#(RFC3339.string(end))"}"#
            }
            let token = try #require(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).json()["access_token"] as? String)
            for body in sessions { #expect(try await client.api(.post, "/api/v1/sessions", json: body, token: token).status == .created) }
            try await browser.post("/timer/start", ["kind": "focus"])
            let task = try #require(try await app.services.database.tasks(userID: 1, TaskQuery()).items.first?.taskID)

            let (page, pageStatements) = try await count.measure { try await browser.get("/dashboard") }
            #expect(page.status == .ok && page.text.contains("Task 29"))
            #expect(page.text.contains(#"data-status="running""#), "the running timer is on the page")
            #expect(page.text.contains(#"id="current-streak">5<"#), "five days of focus make a streak of five")
            #expect(pageStatements.count <= 3, "\(pageStatements)")
            if count.server != nil { #expect(pageStatements.count == 1, "PostgreSQL reads the user with the page: \(pageStatements)") }

            let (status, statusStatements) = try await count.measure { try await browser.post("/tasks/\(task)/status", ["status": "in_progress"], hx: true) }
            #expect(status.status == .ok)
            #expect(statusStatements.count <= 3, "\(statusStatements)")

            let (tab, tabStatements) = try await count.measure { try await browser.get("/dashboard?status=todo", hx: true) }
            #expect(tab.status == .ok && tab.text.contains("Task 28"))
            #expect(tabStatements.count <= 3, "\(tabStatements)")
            if count.server != nil {
                // A statement PostgreSQL plans once, not the one with every optional filter.
                #expect(tabStatements.contains { $0.contains("status = $2 AND") }, "a status tab has its own statement: \(tabStatements)")
                let (page, pageStatements) = try await count.measure { try await browser.get("/dashboard?status=todo") }
                #expect(page.status == .ok && page.text.contains("Task 28"))
                #expect(pageStatements.contains { $0.contains("status = $4 AND") }, "so has a whole page on one (no script, a reload): \(pageStatements)")
            }

            let (list, listStatements) = try await count.measure { try await client.api(.get, "/api/v1/tasks?limit=50", token: token) }
            #expect(list.status == .ok)
            #expect(listStatements.count <= 3, "\(listStatements)")
            if count.server != nil { #expect(listStatements.count == 1, "PostgreSQL reads the user with the page: \(listStatements)") }
        }
    }
}

/// SQLite's trace, or the PostgreSQL server's count.
struct StatementCount {
    let log: StatementLog
    let server: ServerStatementCount?

    func measure<T>(_ body: () async throws -> T) async throws -> (T, [String]) {
        guard let server else { return try await log.measure(body) }
        return try await server.measure(body)
    }
}

/// The statements an app's PostgreSQL database ran, as the server counts them
/// (`pg_stat_statements`, which the tests' server loads: every statement a connection sent
/// that reads or writes — not transaction control, nor what triggers run inside one). Nil
/// on SQLite. The server keeps up to 50,000 statements' counts, so a whole PostgreSQL test
/// pass's databases do not push this test's out while it counts.
struct ServerStatementCount {
    let store: PostgresStore

    init?(_ app: TestApp) async throws {
        guard let store = app.services.database as? PostgresStore else { return nil }
        self.store = store
        try await app.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    }

    /// `body`'s result and the statements run meanwhile (one text per run).
    func measure<T>(_ body: () async throws -> T) async throws -> (T, [String]) {
        let before = try await calls()
        let result = try await body()
        let after = try await calls()
        return (result, after.flatMap { query, count in Array(repeating: query, count: max(0, count - (before[query] ?? 0))) })
    }

    private func calls() async throws -> [String: Int] {
        try await store.read { connection in
            let rows = try await connection.query(
                """
                SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND query NOT LIKE '%pg_stat_statements%' AND split_part(query, ' ', 1) NOT IN ('BEGIN', 'COMMIT', 'ROLLBACK')
                """, logger: TestPostgres.logger)
            var calls: [String: Int] = [:]
            for try await (query, count) in rows.decode((String, Int).self) { calls[query, default: 0] += count }
            return calls
        }
    }
}
