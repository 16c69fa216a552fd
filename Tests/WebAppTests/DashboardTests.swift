import Foundation
import Testing

@testable import WebApp

/// The dashboard's task list through the page routes, with and without the script.
@Suite(.closingTestApps) struct DashboardTests {
    @Test func quickAddWorksAsAFormAndAsAFragment() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let empty = try await browser.get("/dashboard")
            #expect(empty.text.contains("No tasks yet"))

            let plain = try await browser.post("/tasks", ["title": "Plain <form> task"])
            #expect(plain.status == .seeOther)
            #expect(plain.headers[.location] == "/dashboard")
            #expect(try await browser.get("/dashboard").text.contains("Plain &lt;form&gt; task"))

            let swap = try await browser.post("/tasks", ["title": "Swapped task"], hx: true)
            #expect(swap.status == .ok)
            #expect(swap.text.contains(#"hx-swap-oob="afterend:#timer-task-none">Swapped task</option>"#), "the timer's picker gains it")
            #expect(swap.text.contains(#"<div id="task-list">"#))
            #expect(swap.text.contains("Swapped task"))
            #expect(swap.text.contains(#"id="quick-add""#) && swap.text.contains(#"hx-swap-oob="true""#))
            #expect(!swap.text.contains("<!doctype html>"))

            let invalid = try await browser.post("/tasks", ["title": String(repeating: "x", count: 201)], hx: true)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.headers[.hxRetarget] == "#quick-add")
            #expect(invalid.text.contains("must be at most 200 characters"))
            #expect(invalid.text.contains(String(repeating: "x", count: 201)), "the input is kept")
            let invalidPlain = try await browser.post("/tasks", ["title": " "])
            #expect(invalidPlain.status == .unprocessableContent)
            #expect(invalidPlain.text.contains("<!doctype html>") && invalidPlain.text.contains("must not be empty"))
        }
    }

    @Test func fragmentsAreTheSameBytesAsThePage() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            for title in ["one", "two & <three>"] { try await browser.post("/tasks", ["title": title]) }
            let page = try await browser.get("/dashboard?status=todo").text
            let fragment = try await browser.get("/dashboard?status=todo", hx: true)
            #expect(fragment.headers[.vary] == "HX-Request")
            let list = try #require(fragment.text.components(separatedBy: #"<input type="hidden" id="filter-status""#).first)
            #expect(page.contains(list), "the task list fragment is the page's region, byte for byte")
        }
    }

    @Test func statusChangesSwapTheRowAndCountXPOnce() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            try await browser.post("/tasks", ["title": "Finish"])
            let id = try #require(try await app.services.database.tasks(userID: 1, TaskQuery()).items.first?.taskID)
            let done = try await browser.post("/tasks/\(id)/status", ["status": "done"], hx: true)
            #expect(done.status == .ok)
            #expect(done.text.contains(#"<li id="task-\#(id)" class="task status-done" hx-target="this" hx-swap="outerHTML">"#))
            #expect(done.text.contains(#"id="user-stats""#) && done.text.contains("10 XP"))
            #expect(done.text.contains(#"id="progress-panel" class="card progress-panel" aria-labelledby="progress-heading" hx-swap-oob="true""#), "the level bar follows")
            let again = try await browser.post("/tasks/\(id)/status", ["status": "todo"], hx: true)
            #expect(!again.text.contains("user-stats"))
            try await browser.post("/tasks/\(id)/status", ["status": "done"], hx: true)
            #expect(try await app.services.database.user(named: "ada")?.xp == 10)
            let plain = try await browser.post("/tasks/\(id)/status", ["status": "in_progress"])
            #expect(plain.status == .seeOther)
            let invalid = try await browser.post("/tasks/\(id)/status", ["status": "sideways"], hx: true)
            #expect(invalid.status == .unprocessableContent)
        }
    }

    @Test func inlineEditSavesAndKeepsInputOnErrors() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            try await browser.post("/tasks", ["title": "Draft"])
            let form = try await browser.get("/tasks/1/edit", hx: true)
            #expect(form.text.contains(#"<form class="task-edit""#))
            #expect(!form.text.contains("<!doctype html>"))
            let page = try await browser.get("/tasks/1/edit")
            #expect(page.text.contains("<!doctype html>") && page.text.contains(#"value="Draft""#))

            let bad = try await browser.post("/tasks/1", ["title": "", "description": "kept text", "estimate_pomodoros": "99"], hx: true)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("kept text") && bad.text.contains(#"value="99""#))
            #expect(bad.text.contains("Title must not be empty") && bad.text.contains("Estimate must be 0 to 50"))
            let notANumber = try await browser.post("/tasks/1", ["title": " ", "description": "", "estimate_pomodoros": "three"], hx: true)
            #expect(notANumber.text.contains("Title must not be empty") && notANumber.text.contains("Estimate must be a whole number"), "every problem at once")

            let saved = try await browser.post("/tasks/1", ["title": "Final", "description": "Line", "estimate_pomodoros": "2"], hx: true)
            #expect(saved.status == .ok)
            #expect(saved.text.contains(#"<p class="task-title">Final</p>"#) && saved.text.contains("est. 2"))
            let cancel = try await browser.get("/tasks/1", hx: true)
            #expect(cancel.text.contains(#"<li id="task-1""#))
            #expect(try await browser.post("/tasks/1", ["title": "No JS", "description": "", "estimate_pomodoros": ""]).headers[.location] == "/dashboard")
            #expect(try await app.services.database.task(id: 1, userID: 1)?.estimatePomodoros == nil)
        }
    }

    @Test func deleteAndOwnership() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            try await ada.post("/tasks", ["title": "Mine"])
            let bob = Browser(client)
            try await bob.signup("bob")
            #expect(try await bob.post("/tasks/1/delete", hx: true).status == .notFound)
            #expect(try await bob.get("/tasks/1/edit").status == .notFound)
            #expect(try await bob.post("/tasks/1/status", ["status": "done"]).status == .notFound)
            let deleted = try await ada.post("/tasks/1/delete", hx: true)
            #expect(deleted.status == .ok && deleted.text.isEmpty)
            #expect(try await ada.get("/dashboard").text.contains("No tasks yet"))
        }
    }

    @Test func filtersSearchAndLoadMore() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            for index in 1...25 {
                _ = try await app.services.database.createTask(userID: 1, content: .init(title: "Task \(index)\(index == 7 ? " needle" : "")", description: "", estimatePomodoros: nil), status: index % 5 == 0 ? .done : .todo, now: Date())
            }
            let first = try await browser.get("/dashboard")
            #expect(first.text.components(separatedBy: #"class="task status-"#).count - 1 == 20)
            #expect(first.text.contains("Task 25") && !first.text.contains(">Task 5<"))
            let next = try #require(first.text.range(of: #"href="/dashboard?cursor="#).map { range in
                String(first.text[range.upperBound...].prefix { $0 != "\"" })
            })
            let more = try await browser.get("/dashboard?cursor=\(next)", hx: true)
            #expect(more.text.components(separatedBy: #"class="task status-"#).count - 1 == 5)
            #expect(!more.text.contains("load-more"))
            #expect(!more.text.contains("task-list"))
            let done = try await browser.get("/dashboard?status=done", hx: true)
            #expect(done.text.components(separatedBy: #"class="task status-done""#).count - 1 == 5)
            #expect(done.text.contains(#"aria-current="page">Done</a>"#))
            #expect(done.text.contains(#"value="done""#) && done.text.contains(#"hx-swap-oob="true""#), "the search form learns the status")
            let search = try await browser.get("/dashboard?q=needle")
            #expect(search.text.contains("Task 7 needle"))
            #expect(search.text.components(separatedBy: #"class="task status-"#).count - 1 == 1)
            let none = try await browser.get("/dashboard?q=zzz", hx: true)
            #expect(none.text.contains("No tasks match."))
            #expect(try await browser.get("/dashboard?status=bogus").status == .unprocessableContent)
        }
    }
}
