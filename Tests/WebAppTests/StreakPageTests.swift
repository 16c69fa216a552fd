import Domain
import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// The streak parts of the pages (SPEC §9): the settings sections for day start, rest
/// days and breaks (swapped in place, and working as plain forms), and the dashboard's
/// streak card and heatmap.
@Suite struct StreakPageTests {
    @Test func dayStartAndRestDaysAreSavedFromSettings() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            let page = try await browser.get("/settings")
            #expect(page.text.contains(#"<select id="day-starts-at" name="day_starts_at""#) && page.text.contains(#"name="sat" value="on""#))
            let saved = try await browser.post("/settings/streak", ["day_starts_at": "4", "sat": "on", "sun": "on"], hx: true)
            #expect(saved.status == .ok && saved.text.contains("Saved. It applies from"))
            #expect(saved.text.contains(#"<option value="4" selected>04:00</option>"#) && saved.text.contains(#"name="sun" value="on" checked"#))
            #expect(!saved.text.contains("<html"), "a fragment")
            let ada = try #require(try await app.services.database.user(named: "ada"))
            #expect(ada.dayStartsAt == 4 && ada.dayRules.restDays.names == ["sat", "sun"])
            let tooMany = try await browser.post("/settings/streak", ["day_starts_at": "4", "mon": "on", "tue": "on", "wed": "on", "thu": "on"], hx: true)
            #expect(tooMany.status == .unprocessableContent && tooMany.text.contains("Rest days must name at most 3 weekdays"))
            #expect(tooMany.text.contains(#"name="thu" value="on" checked"#), "the choice is kept")
            let plain = try await browser.post("/settings/streak", ["day_starts_at": "0"])
            #expect(plain.status == .seeOther && plain.headers[.location] == "/settings", "without JavaScript the page comes back")
            let dashboard = try await browser.get("/dashboard")
            #expect(dashboard.text.contains("your days start at midnight in UTC"))
            #expect(dashboard.text.contains(#"id="streak-extras""#) && dashboard.text.contains("next milestone at 7 days"))
            #expect(dashboard.text.contains(#"id="heatmap-legend""#) && dashboard.text.contains("planned break") && dashboard.text.contains("freeze used"))
        }
    }

    @Test func breaksArePlannedAndCancelledFromSettings() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada", timezone: "UTC")
            let today = LocalDate(app.clock.now, in: .gmt)
            let wrong = try await browser.post("/settings/breaks", ["from": today.description, "to": today.adding(days: 2).description, "note": "Trip <b>"], hx: true)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("From must be after today") && wrong.text.contains(#"value="Trip &lt;b&gt;""#), "the error where the user looks, input kept")
            let fine = try await browser.post("/settings/breaks", ["from": today.adding(days: 3).description, "to": today.adding(days: 5).description, "note": "Trip"], hx: true)
            #expect(fine.status == .ok && fine.text.contains("Break planned") && fine.text.contains("· Trip"))
            #expect(fine.text.hasPrefix("\n  <div id=\"breaks-section\">") || fine.text.contains(#"<div id="breaks-section">"#))
            let id = try #require(try await app.services.database.breaks(userID: 1).first?.id)
            let cancelled = try await browser.post("/settings/breaks/\(id)/cancel", hx: true)
            #expect(cancelled.status == .ok && cancelled.text.contains("Break cancelled") && cancelled.text.contains(#"id="no-breaks""#))
            let plain = try await browser.post("/settings/breaks", ["from": today.adding(days: 3).description, "to": today.adding(days: 4).description])
            #expect(plain.status == .seeOther)
            let page = try await browser.get("/settings")
            #expect(page.text.contains("<strong>\(today.adding(days: 3))</strong>"))
            #expect(try await browser.post("/settings/breaks/999/cancel", hx: true).status == .notFound)
        }
    }
}
