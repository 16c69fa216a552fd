import Foundation
import GRDB
import Testing

@testable import WebApp

@Suite(.closingTestApps) struct TaskAPITests {
    @Test func createReadUpdateDelete() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let created = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"  Write <report>  ","description":"d","estimate_pomodoros":3}"#, token: ada.access)
            #expect(created.status == .created)
            let task = try created.json()
            #expect(task["title"] as? String == "Write <report>")
            #expect(task["status"] as? String == "todo")
            #expect(task["estimate_pomodoros"] as? Int == 3)
            #expect(task["total_minutes"] as? Int == 0)
            #expect(task["pomodoros"] as? Int == 0)
            #expect(task.keys.contains("completed_at") && task["completed_at"] is NSNull)
            #expect((task["created_at"] as? String)?.hasSuffix("Z") == true)
            let id = try #require(task["id"] as? Int)

            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: ada.access).json()["title"] as? String == "Write <report>")
            let patched = try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"status":"in_progress","estimate_pomodoros":null}"#, token: ada.access)
            #expect(patched.status == .ok)
            #expect(try patched.json()["status"] as? String == "in_progress")
            #expect(try patched.json()["estimate_pomodoros"] is NSNull)
            #expect(try patched.json()["description"] as? String == "d", "fields not named stay")

            #expect(try await client.api(.delete, "/api/v1/tasks/\(id)", token: ada.access).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: ada.access).status == .notFound)
            #expect(try await client.api(.delete, "/api/v1/tasks/\(id)", token: ada.access).status == .notFound)
        }
    }

    @Test func validationNamesTheFieldsAndChangesNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bad = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"   ","status":"doing","estimate_pomodoros":51}"#, token: ada.access)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields?.keys.map { $0 } ?? []) == ["title", "status", "estimate_pomodoros"])
            #expect(try await client.api(.post, "/api/v1/tasks", json: #"{"description":"no title"}"#, token: ada.access).errorFields?["title"] == "is required")
            let readOnly = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t","total_minutes":500}"#, token: ada.access)
            #expect(readOnly.errorFields?["total_minutes"] == "is read-only")
            let id = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"ok"}"#, token: ada.access).json()["id"] as? Int)
            let patchReadOnly = try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"pomodoros":4}"#, token: ada.access)
            #expect(patchReadOnly.status == .unprocessableContent)
            #expect(patchReadOnly.errorFields?["pomodoros"] == "is read-only")
            let longTitle = String(repeating: "x", count: 201)
            #expect(try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"title":"\#(longTitle)"}"#, token: ada.access).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: ada.access).json()["title"] as? String == "ok")
            #expect(try await client.api(.get, "/api/v1/tasks?status=doing", token: ada.access).errorFields?["status"] != nil)
            #expect(try await client.api(.get, "/api/v1/tasks?limit=101", token: ada.access).errorFields?["limit"] != nil)
            #expect(try await client.api(.get, "/api/v1/tasks?limit=0", token: ada.access).errorFields?["limit"] != nil)
            #expect(try await client.api(.get, "/api/v1/tasks?cursor=nonsense", token: ada.access).errorFields?["cursor"] != nil)
        }
    }

    @Test func otherUsersTasksAreNotFound() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let id = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"ada's"}"#, token: ada.access).json()["id"] as? Int)
            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: bob.access).status == .notFound)
            #expect(try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"title":"mine now"}"#, token: bob.access).status == .notFound)
            #expect(try await client.api(.delete, "/api/v1/tasks/\(id)", token: bob.access).status == .notFound)
            #expect((try await client.api(.get, "/api/v1/tasks", token: bob.access).json()["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: ada.access).json()["title"] as? String == "ada's")
            #expect(try await client.api(.get, "/api/v1/tasks", token: nil).status == .unauthorized)
        }
    }

    /// Paging visits every task exactly once, newest first, even while new tasks arrive.
    @Test(arguments: [1, 7, 50, 100])
    func paginationCoversEveryItemExactlyOnce(limit: Int) async throws {
        let app = try await TestApp.make()
        let ada = try await app.test { client in try await client.apiSignup("ada") }
        let userID = Int64(ada.id)
        for index in 0..<123 {
            _ = try await app.services.database.createTask(userID: userID, content: .init(title: "task \(index)", description: "", estimatePomodoros: nil), status: index % 3 == 0 ? .done : .todo, now: Date())
        }
        try await app.test { client in
            var seen: [Int] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/tasks?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.api(.get, uri, token: ada.access).json()
                let items = try #require(page["items"] as? [[String: Any]])
                #expect(items.count <= limit)
                seen += items.compactMap { $0["id"] as? Int }
                cursor = page["next_cursor"] as? String
                _ = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"arrived while paging"}"#, token: ada.access)
            } while cursor != nil
            #expect(seen.count == 123)
            #expect(Set(seen).count == 123)
            #expect(seen == seen.sorted(by: >))
            let done = try await client.api(.get, "/api/v1/tasks?status=done&limit=100", token: ada.access).json()
            #expect((done["items"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "done" } == true)
            #expect((done["items"] as? [Any])?.count == 41)
        }
    }

    @Test func searchMatchesTitleAndDescriptionLiterally() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for body in [#"{"title":"Buy milk"}"#, #"{"title":"Taxes","description":"file the MILK receipts"}"#, #"{"title":"100% done"}"#, #"{"title":"other"}"#] {
                _ = try await client.api(.post, "/api/v1/tasks", json: body, token: ada.access)
            }
            let milk = try await client.api(.get, "/api/v1/tasks?q=milk", token: ada.access).json()["items"] as? [[String: Any]]
            #expect(milk?.count == 2)
            let percent = try await client.api(.get, "/api/v1/tasks?q=%25", token: ada.access).json()["items"] as? [[String: Any]]
            #expect(percent?.compactMap { $0["title"] as? String } == ["100% done"])
        }
    }

    /// +10 XP the first time a task is completed; moving it back and forth adds nothing,
    /// and the XP is recorded as ledger facts that add up to the user's total.
    @Test func firstCompletionEarnsXPOnce() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let id = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t"}"#, token: ada.access).json()["id"] as? Int)
            for status in ["done", "todo", "done", "in_progress", "done"] {
                let response = try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"status":"\#(status)"}"#, token: ada.access)
                #expect(response.status == .ok)
                #expect((try response.json()["completed_at"] is NSNull) == (status != "done"))
            }
            _ = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"born done","status":"done"}"#, token: ada.access)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 20)
        }
        let (ledger, cached) = (try await app.integer("SELECT CAST(SUM(amount) AS BIGINT) FROM xp_ledger"), try await app.integer("SELECT xp FROM users"))
        #expect(ledger == 20 && cached == 20)
    }
}
