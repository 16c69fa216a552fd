import Foundation
import Testing

@testable import WebApp

/// The dashboard's timer and progress panels through the page routes.
@Suite(.closingTestApps) struct TimerPageTests {
    @Test func dashboardShowsTimerAndProgressPanels() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            let page = try await browser.get("/dashboard").text
            #expect(page.contains(#"id="timer-panel""#) && page.contains(#"id="progress-panel""#))
            #expect(page.contains(#"<script src="/js/timer.js" defer></script>"#))
            #expect(page.contains(#"role="img""#) && page.contains("Focus over the last 12 weeks"))
            #expect(page.components(separatedBy: "<rect class=\"heat-").count - 1 >= 78, "11 full weeks plus this week so far")
            #expect(page.contains(#"value="focus" data-label="focus" checked"#), "focus is suggested first")

            let ada = try #require(try await app.services.database.user(named: "ada"))
            let end = app.clock.now
            _ = try await app.services.focus.submit(for: ada, sessionID: "s", start: end.addingTimeInterval(-40 * 60), end: end, timezone: nil, taskID: nil)
            let after = try await browser.get("/dashboard").text
            #expect(after.contains(#"<rect class="heat-3" "#) && after.contains("<title>2027-01-15: 40 min · goal met</title>"), "today's cell")
            #expect(after.contains("<title>2027-01-14: 0 min</title>"), "yesterday's cell")
        }
    }

    /// The timer's task picker offers the open tasks, newest first (done ones are not offered).
    @Test func theTaskPickerListsOpenTasksNewestFirst() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            for title in ["First", "Second", "Finished", "Third"] { try await browser.post("/tasks", ["title": title]) }
            try await browser.post("/tasks/3/status", ["status": "done"])
            let page = try await browser.get("/dashboard").text
            let picker = try #require(page.components(separatedBy: #"<select id="timer-task""#).dropFirst().first?.components(separatedBy: "</select>").first)
            let options = picker.components(separatedBy: "<option ").dropFirst().compactMap { $0.split(separator: "<").first?.split(separator: ">").last }
            #expect(options == ["No task", "Third", "Second", "First"])
        }
    }

    @Test func startPauseResumeCompleteSwapThePanel() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            try await browser.post("/tasks", ["title": "Deep work"])
            let started = try await browser.post("/timer/start", ["kind": "focus", "task_id": "1", "minutes": "30"], hx: true)
            #expect(started.status == .ok)
            #expect(started.text.contains(#"data-status="running""#) && started.text.contains(">30:00</time>"))
            #expect(started.text.contains("Deep work"))
            #expect(started.text.contains(#"id="progress-panel" class="card progress-panel" aria-labelledby="progress-heading" hx-swap-oob="true""#))
            app.clock.advance(by: 600)
            let paused = try await browser.post("/timer/pause", hx: true)
            #expect(paused.text.contains(#"data-status="paused""#) && paused.text.contains(">20:00</time>") && paused.text.contains("Resume"))
            app.clock.advance(by: 60)
            #expect(try await browser.post("/timer/resume", hx: true).text.contains(#"data-status="running""#))
            app.clock.advance(by: 1140)
            let done = try await browser.post("/timer/complete", hx: true)
            #expect(done.headers[.hxTrigger] == #"{"timer-completed":{"kind":"focus"}}"#)
            #expect(done.text.contains(#"<p class="stat-value" id="today-minutes">29<"#))
            #expect(done.text.contains(#"<p class="stat-value" id="current-streak">0<"#), "29 minutes do not qualify")
            #expect(done.text.contains("29 XP"), "an early finish earns its minutes, no pomodoro bonus")
            #expect(done.text.contains("Start short break"))
            #expect(done.text.contains(#"<p class="notice" role="status">Focus recorded · 29 min · +29 XP</p>"#), "the page says what was counted")
            let illegal = try await browser.post("/timer/pause", hx: true)
            #expect(illegal.status == .conflict)
            #expect(illegal.headers[.hxRetarget] == "#flash")
        }
    }

    @Test func aClosedTabsTimerIsCountedOnTheNextLook() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            let started = try await browser.post("/timer/start", ["kind": "focus", "minutes": "1"], hx: true)
            let id = try #require(started.text.range(of: #"data-timer-id=""#).map { String(started.text[$0.upperBound...].prefix { $0 != "\"" }) })
            app.clock.advance(by: 3600)
            let panel = try await browser.get("/timer/panel?running=\(id)", hx: true)
            #expect(panel.headers[.hxTrigger]?.contains("timer-completed") == true)
            #expect(!panel.text.contains("data-countdown"))
            #expect(panel.text.contains(#"id="today-minutes">1<"#))
            #expect(panel.text.contains("Focus done · +2 XP"), "the open tab's countdown ended: said in the panel")
            let again = try await browser.get("/timer/panel", hx: true)
            #expect(again.headers[.hxTrigger] == nil)
            #expect(!again.text.contains("Focus done"), "said once")

            try await browser.post("/timer/start", ["kind": "focus", "minutes": "25"], hx: true)
            app.clock.advance(by: 2 * 3600)
            let returned = try await browser.get("/dashboard").text
            #expect(returned.contains("While you were away: focus done · +50 XP"), "a closed tab's pomodoro is announced on return")
            #expect(returned.contains("Level 1 · 52 XP"), "and the header counts it on the first page")
            #expect(!(try await browser.get("/dashboard").text.contains("While you were away")), "said once")
        }
    }

    @Test func worksWithoutJavaScriptAndKeepsInputOnErrors() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            let bad = try await browser.post("/timer/start", ["kind": "focus", "minutes": "500"], hx: true)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"value="500""#) && bad.text.contains("Minutes must be 1 to 180"))
            let plain = try await browser.post("/timer/start", ["kind": "short_break", "minutes": ""])
            #expect(plain.status == .seeOther && plain.headers[.location] == "/dashboard")
            let page = try await browser.get("/dashboard").text
            #expect(page.contains("Short break") && page.contains(">05:00</time>"))
            #expect(try await browser.post("/timer/cancel").status == .seeOther)
            #expect(try await browser.get("/dashboard").text.contains("Start"))
        }
    }
}
