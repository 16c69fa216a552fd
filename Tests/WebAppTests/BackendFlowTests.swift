import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import WebApp

/// The server on either backend (SPEC §14): `DATABASE_URL` selects PostgreSQL, and a day's
/// flows through the API and the pages answer the same as on SQLite.
@Suite(.coversBothBackends) struct BackendFlowTests {
    @Test(arguments: Backend.available)
    func aDayOfFocusThroughTheAPIAndThePages(backend: Backend) async throws {
        try await TestApp.with(backend) { app in
            #expect((app.services.database is PostgresStore) == (backend == .postgres))
            try await app.test(.router) { client in
                let ada = try await client.apiSignup("ada")
                let bob = try await client.apiSignup("bob")
                #expect(try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"ADA","password":"correct horse battery"}"#).status == .conflict)
                let task = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"Write the report"}"#, token: ada.access)
                #expect(task.status == .created)
                let taskID = try #require(try task.json()["id"] as? Int)
                #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus","task_id":\#(taskID)}"#, token: ada.access).status == .created)
                #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus"}"#, token: ada.access).status == .conflict)
                app.clock.advance(by: 26 * 60)
                #expect(try await client.api(.post, "/api/v1/timer/pause", token: ada.access).status == .conflict, "it ran out: nothing to pause")
                #expect(try await client.api(.get, "/api/v1/timer", token: ada.access).status == .ok, "reading it counts it")
                let start = RFC3339.string(app.clock.now.addingTimeInterval(-3_600))
                let end = RFC3339.string(app.clock.now.addingTimeInterval(-1_800))
                let session = #"{"session_id":"phone-1","start_time":"\#(start)","end_time":"\#(end)","timezone":"UTC"}"#
                #expect(try await client.api(.post, "/api/v1/sessions", json: session, token: ada.access).status == .created)
                #expect(try await client.api(.post, "/api/v1/sessions", json: session, token: ada.access).status == .ok, "a replay")
                let streak = try await client.api(.get, "/api/v1/streak", token: ada.access)
                let current = try streak.json()["current"] as? Int
                #expect(streak.status == .ok && current == 1, "\(streak.text)")
                let tasks = try await client.api(.get, "/api/v1/tasks", token: ada.access)
                let items = try #require(try tasks.json()["items"] as? [[String: Any]])
                #expect(items.first?["total_minutes"] as? Int == 25, "\(tasks.text)")
                #expect(try await client.api(.get, "/api/v1/tasks/\(taskID)", token: bob.access).status == .notFound)
                #expect(try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"BOB"}"#, token: ada.access).status == .created)

                let browser = Browser(client)
                try await browser.get("/login")
                #expect(try await browser.post("/login", ["username": "bob", "password": "correct horse battery"]).status == .seeOther)
                let dashboard = try await browser.get("/dashboard")
                #expect(dashboard.status == .ok && dashboard.text.contains("Hello, bob"))
                let friends = try await browser.get("/friends")
                #expect(friends.status == .ok && friends.text.contains("ada"))
                #expect(try await browser.get("/settings").status == .ok)
            }
        }
    }
}
