import Domain
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import WebApp

@Suite(.closingTestApps) struct FocusAPITests {
    /// 2027-01-15T08:00:00Z, the default test clock.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func iso(_ date: Date) -> String { RFC3339.string(date) }

    @Test func aSessionAcrossMidnightSplitsThere() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let start = try #require(RFC3339.date("2027-01-13T22:45:00Z"))
            let body = #"{"session_id":"a","start_time":"2027-01-13T22:45:00Z","end_time":"2027-01-13T23:30:00Z","timezone":"Europe/Berlin"}"#
            let created = try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access)
            #expect(created.status == .created)
            let session = try #require(try created.json()["session"] as? [String: Any])
            #expect(session["minutes"] as? Int == 45)
            #expect(session["start_time"] as? String == iso(start))
            let totals = try await app.services.database.dailyTotals(userID: Int64(ada.id), from: LocalDate("2027-01-13")!, to: LocalDate("2027-01-14")!)
            #expect(totals[LocalDate("2027-01-13")!] == Double(15 * 60))
            #expect(totals[LocalDate("2027-01-14")!] == Double(30 * 60))
        }
    }

    @Test func replaysAreIdempotentAndConflictsAre409() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let body = #"{"session_id":"offline-1","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T06:40:00Z"}"#
            let first = try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access)
            #expect(first.status == .created)
            let replay = try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access)
            #expect(replay.status == .ok)
            #expect(try replay.json()["session"] as? NSDictionary == (try first.json()["session"] as? NSDictionary))
            let streak = try #require(try replay.json()["streak"] as? [String: Any])
            #expect(streak["today_minutes"] as? Int == 40, "counted once")
            #expect(streak["current"] as? Int == 1)
            let other = #"{"session_id":"offline-1","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T06:41:00Z"}"#
            let conflict = try await client.api(.post, "/api/v1/sessions", json: other, token: ada.access)
            #expect(conflict.status == .conflict)
            #expect(conflict.errorCode == "session_conflict")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 40)
        }
    }

    @Test func twentyNineMinutesDoNotQualify() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            _ = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id":"x","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T06:29:59Z"}"#, token: ada.access)
            let streak = try await client.api(.get, "/api/v1/streak", token: ada.access).json()
            #expect(streak["today_minutes"] as? Int == 29)
            #expect(streak["current"] as? Int == 0)
            #expect(streak["qualified_days"] as? Int == 0)
            #expect(streak["qualify_minutes"] as? Int == 30)
            _ = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id":"y","start_time":"2027-01-15T07:00:00Z","end_time":"2027-01-15T07:00:01Z"}"#, token: ada.access)
            #expect(try await client.api(.get, "/api/v1/streak", token: ada.access).json()["current"] as? Int == 1)
        }
    }

    @Test func aLateSessionJoinsTwoRuns() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            func post(_ daysAgo: Int) async throws {
                let start = Self.now.addingTimeInterval(Double(-daysAgo * 86_400 - 3600))
                let body = #"{"session_id":"d\#(daysAgo)","start_time":"\#(iso(start))","end_time":"\#(iso(start.addingTimeInterval(1800)))","timezone":"UTC"}"#
                #expect(try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access).status == .created)
            }
            for day in [6, 5, 4, 2, 1, 0] { try await post(day) }
            var streak = try await client.api(.get, "/api/v1/streak", token: ada.access).json()
            #expect(streak["current"] as? Int == 3 && streak["longest"] as? Int == 3)
            try await post(3)
            streak = try await client.api(.get, "/api/v1/streak", token: ada.access).json()
            #expect(streak["current"] as? Int == 7 && streak["longest"] as? Int == 7)
            #expect(streak["last_qualified_date"] as? String == "2027-01-15")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 7 * 30 + 50, "the 7-day milestone")
        }
    }

    @Test func sessionValidation() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let done = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t","status":"done"}"#, token: ada.access).json()["id"] as? Int)
            let bobs = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"b"}"#, token: bob.access).json()["id"] as? Int)
            func post(_ fields: String) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/sessions", json: "{\(fields)}", token: ada.access)
            }
            let base = #""session_id":"v","start_time":"2027-01-15T06:00:00Z""#
            #expect(try await post(base + #","end_time":"2027-01-15T05:00:00Z""#).errorFields?["end_time"] == "must be after start_time")
            #expect(try await post(#""session_id":"v","start_time":"2027-01-13T06:00:00Z","end_time":"2027-01-14T06:00:01Z""#).errorFields?["end_time"] != nil)
            #expect(try await post(#""session_id":"v","start_time":"2027-01-15T08:00:00Z","end_time":"2027-01-15T08:06:00Z""#).errorFields?["end_time"] == "must not be in the future")
            #expect(try await post(#""session_id":"v","start_time":"2027-01-15T08:00:00Z","end_time":"2027-01-15T08:04:00Z""#).status == .created, "5 minutes of skew are fine")
            #expect(try await post(base + #","end_time":"2027-01-15T07:00:00Z","timezone":"Mars/Base""#).errorFields?["timezone"] != nil)
            #expect(try await post(base + #","end_time":"not a date""#).errorFields?["end_time"] != nil)
            let doneTask = try await post(#""session_id":"w","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T07:00:00Z","task_id":\#(done)"#)
            let otherTask = try await post(#""session_id":"w","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T07:00:00Z","task_id":\#(bobs)"#)
            #expect(doneTask.status == .unprocessableContent && otherTask.status == .unprocessableContent)
            #expect(doneTask.errorFields == otherTask.errorFields && doneTask.errorFields?["task_id"] != nil)
        }
    }

    @Test func sessionsNamingATaskAddTheirMinutesButNoPomodoro() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let task = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t"}"#, token: ada.access).json()["id"] as? Int)
            _ = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id":"s","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T06:25:00Z","task_id":\#(task)}"#, token: ada.access)
            let stored = try await client.api(.get, "/api/v1/tasks/\(task)", token: ada.access).json()
            #expect(stored["total_minutes"] as? Int == 25)
            #expect(stored["pomodoros"] as? Int == 0)
        }
    }

    @Test func listingSessionsByLocalDay() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for (id, start, end, zone) in [
                ("tokyo-late", "2027-01-10T14:30:00Z", "2027-01-10T15:30:00Z", "Asia/Tokyo"),
                ("utc-noon", "2027-01-11T12:00:00Z", "2027-01-11T12:30:00Z", "UTC"),
                ("utc-old", "2027-01-05T12:00:00Z", "2027-01-05T12:30:00Z", "UTC"),
            ] {
                _ = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id":"\#(id)","start_time":"\#(start)","end_time":"\#(end)","timezone":"\#(zone)"}"#, token: ada.access)
            }
            let day11 = try await client.api(.get, "/api/v1/sessions?from=2027-01-11&to=2027-01-11", token: ada.access).json()["items"] as? [[String: Any]]
            #expect(day11?.compactMap { $0["session_id"] as? String } == ["tokyo-late", "utc-noon"], "23:30–00:30 in Tokyo touches the 11th there")
            let week = try await client.api(.get, "/api/v1/sessions?from=2027-01-01&to=2027-01-15", token: ada.access).json()["items"] as? [[String: Any]]
            #expect(week?.count == 3)
            #expect(try await client.api(.get, "/api/v1/sessions?from=2027-01-12&to=2027-01-11", token: ada.access).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/sessions?from=2025-01-01&to=2027-01-11", token: ada.access).errorFields?["to"] != nil)
            #expect(try await client.api(.get, "/api/v1/sessions?from=2027-01-01", token: ada.access).errorFields?["to"] != nil)
        }
    }

    @Test func dailyStatsAreOldestFirstWithTodayLast() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            _ = try await client.api(.patch, "/api/v1/me", json: #"{"timezone":"Pacific/Kiritimati"}"#, token: ada.access)
            _ = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id":"s","start_time":"2027-01-15T06:00:00Z","end_time":"2027-01-15T06:50:30Z","timezone":"Pacific/Kiritimati"}"#, token: ada.access)
            let days = try #require(try await client.api(.get, "/api/v1/stats/daily?days=7", token: ada.access).json()["days"] as? [[String: Any]])
            #expect(days.count == 7)
            #expect(days.last?["date"] as? String == "2027-01-15", "22:00 in Kiritimati (+14)")
            #expect(days.last?["minutes"] as? Int == 50)
            #expect(days.first?["date"] as? String == "2027-01-09")
            #expect(try await client.api(.get, "/api/v1/stats/daily?days=0", token: ada.access).status == .unprocessableContent)
        }
    }
}
