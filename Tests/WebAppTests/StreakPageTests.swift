import Domain
import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// The streak parts of the pages (SPEC §9): the settings sections for day start, rest
/// days and breaks (swapped in place, and working as plain forms), and the dashboard's
/// streak card and heatmap.
@Suite(.closingTestApps) struct StreakPageTests {
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
            // A page left open until the break began: its Cancel says why it no longer can.
            let started = try #require(try await app.services.database.breaks(userID: 1).first?.id)
            app.clock.advance(by: 3 * 86_400 + 3600)
            try await browser.get("/login")
            try await browser.post("/login", ["username": "ada", "password": "correct horse battery"])
            let late = try await browser.post("/settings/breaks/\(started)/cancel", hx: true)
            #expect(late.status == .conflict && late.text.contains("This break has started") && late.text.contains(#"<div id="breaks-section">"#))
        }
    }
}

/// Migration v11: streaks stored before the fair rules are walked again at start-up.
@Suite(.closingTestApps) struct FairStreakMigrationTests {
    @Test(.sqliteOnly) func oldStreaksAreWalkedAgainWithFreezesAndTheirMilestones() async throws {
        let folder = TemporaryFolders.new("fq-v11")
        let database = try AppDatabase(path: folder.appendingPathComponent("focusquest.sqlite").path)
        try Migrations.migrator.migrate(database.pool, upTo: "v10-task-references")
        // 10 qualified days, one missed, 4 more: before, runs of 10 and 4 (one milestone);
        // now the milestone's freeze bridges the gap: one run of 14, two milestones.
        let first = LocalDate("2026-11-01")!
        let days = (0..<10).map { first.adding(days: $0) } + (11..<15).map { first.adding(days: $0) }
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO users (id, username, password_hash, created_at, xp) VALUES (1, 'old', 'h', '2026-01-01 00:00:00', 50)")
            try db.execute(sql: "INSERT INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (1, 50, 'streak_milestone', 'milestone:1', '2026-11-07 12:00:00')")
            for day in days {
                try db.execute(sql: "INSERT INTO daily_totals (user_id, day, seconds) VALUES (1, ?, 1800)", arguments: [day.description])
            }
            try db.execute(sql: "INSERT INTO streaks (user_id, last_run_length, longest, qualified_days, last_qualified_date, milestones) VALUES (1, 4, 10, 14, '2026-11-15', 1)")
        }
        try database.close()
        let app = try await TestApp.make(folder: folder)
        let stored = try await app.services.database.streak(userID: 1, day: first.adding(days: 15)).0
        #expect(stored == StreakProjection(totals: Dictionary(uniqueKeysWithValues: days.map { ($0, 1800) }), goalSeconds: 1800, bridges: .none))
        #expect(stored.walk.run == 14 && stored.walk.milestones == 2 && stored.walk.freezesUsed == 1)
        let (xp, stale) = try await app.sqlite.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT xp FROM users WHERE id = 1"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM streaks WHERE stale = 1"))
        }
        #expect(xp == 100, "the second milestone is awarded once; the first is not awarded again")
        #expect(stale == 0)
    }
}
