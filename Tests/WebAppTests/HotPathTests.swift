import Foundation
import GRDB
import Testing

@testable import WebApp

/// The requests `make bench` drives cost at most three SQL statements each, with a
/// running timer, a streak, focus history and more tasks than a page shows.
@Suite(.closingTestApps) struct HotPathTests {
    @Test func hotRequestsCostAtMostThreeStatements() async throws {
        let log = StatementLog()
        let app = try await TestApp.make(trace: { log.record($0) })
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

            let (page, pageStatements) = try await log.measure { try await browser.get("/dashboard") }
            #expect(page.status == .ok && page.text.contains("Task 29"))
            #expect(page.text.contains(#"data-status="running""#), "the running timer is on the page")
            #expect(page.text.contains(#"id="current-streak">5<"#), "five days of focus make a streak of five")
            #expect(pageStatements.count <= 3, "\(pageStatements)")

            let (status, statusStatements) = try await log.measure { try await browser.post("/tasks/\(task)/status", ["status": "in_progress"], hx: true) }
            #expect(status.status == .ok)
            #expect(statusStatements.count <= 3, "\(statusStatements)")

            let (list, listStatements) = try await log.measure { try await client.api(.get, "/api/v1/tasks?limit=50", token: token) }
            #expect(list.status == .ok)
            #expect(listStatements.count <= 3, "\(listStatements)")
        }
    }
}
