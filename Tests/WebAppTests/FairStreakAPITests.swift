import Domain
import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// SPEC §9 black-box over HTTP, travelling with the test clock (`PUT /api/v1/test/clock`).
@Suite(.closingTestApps) struct FairStreakAPITests {
    /// Moves the server's clock as the admin `root` (who signs in again after a jump).
    struct Traveller {
        let client: any TestClientProtocol

        func go(_ instant: String) async throws {
            let admin = try await client.apiLogin("root")
            let moved = try await client.api(.put, "/api/v1/test/clock", json: #"{"now":"\#(instant)"}"#, token: admin)
            #expect(moved.status == .noContent, "\(moved.text)")
        }

        func session(_ id: String, _ start: String, _ end: String, token: String, timezone: String = "UTC") async throws -> TestResponse {
            try await client.api(
                .post, "/api/v1/sessions", json: #"{"session_id":"\#(id)","start_time":"\#(start)","end_time":"\#(end)","timezone":"\#(timezone)"}"#, token: token)
        }

        func calendar(_ from: String, _ to: String, token: String) async throws -> [String: (minutes: Int, state: String)] {
            let response = try await client.api(.get, "/api/v1/streak/calendar?from=\(from)&to=\(to)", token: token)
            #expect(response.status == .ok, "\(response.text)")
            let days = try #require(try response.json()["days"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: days.map { ($0["date"] as? String ?? "", ($0["minutes"] as? Int ?? -1, $0["state"] as? String ?? "")) })
        }

        func streak(token: String) async throws -> [String: Any] {
            try await client.api(.get, "/api/v1/streak", token: token).json()
        }
    }

    func app() async throws -> TestApp {
        let app = try await TestApp.make()
        try await app.addAdmin()
        return app
    }

    @Test func theTestClockIsForAdminsInTestOnly() async throws {
        let app = try await app()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.put, "/api/v1/test/clock", json: #"{"now":"2027-03-01T12:00:00Z"}"#, token: ada.access).status == .forbidden)
            let admin = try await client.apiLogin("root")
            let bad = try await client.api(.put, "/api/v1/test/clock", json: #"{"now":"tomorrow"}"#, token: admin)
            #expect(bad.status == .unprocessableContent && bad.errorFields?["now"] != nil)
            let traveller = Traveller(client: client)
            try await traveller.go("2027-03-01T12:00:00Z")
            let days = try await traveller.calendar("2027-02-28", "2027-03-05", token: try await client.apiLogin("ada"))
            #expect(days.keys.sorted() == ["2027-02-28", "2027-03-01"], "days after today are not listed")
            #expect(days["2027-03-01"]?.state == "today")
            let token = try await client.apiLogin("ada")
            try await traveller.go("2027-03-02T13:00:00Z")
            #expect(try await client.api(.get, "/api/v1/streak", token: token).status == .unauthorized, "a token minted before a jump past its lifetime expires")
            #expect(try await client.api(.delete, "/api/v1/test/clock", token: try await client.apiLogin("root")).status == .noContent)
        }
        let production = try await TestApp.make { $0.environment = .development }
        try await production.addAdmin()
        try await production.test { client in
            let admin = try await client.apiLogin("root")
            #expect(try await client.api(.put, "/api/v1/test/clock", json: #"{"now":"2027-03-01T12:00:00Z"}"#, token: admin).status == .notFound)
        }
    }

    @Test func aNewDayStartAppliesFromTheNextDay() async throws {
        let app = try await app()
        try await app.test { client in
            let traveller = Traveller(client: client)
            try await traveller.go("2027-03-01T12:00:00Z")
            let ada = try await client.apiSignup("ada")
            let changed = try await client.api(.patch, "/api/v1/me", json: #"{"settings":{"day_starts_at":4}}"#, token: ada.access)
            #expect(changed.status == .ok)
            #expect((try changed.json()["settings"] as? [String: Any])?["day_starts_at"] as? Int == 4, "shown at once")
            #expect(try await traveller.streak(token: ada.access)["day_starts_at"] as? Int == 4)
            // Today (March 1st) still started at midnight: this session is split there.
            #expect(try await traveller.session("a", "2027-02-28T23:00:00Z", "2027-03-01T01:00:00Z", token: ada.access).status == .created)
            try await traveller.go("2027-03-02T03:00:00Z")
            let token = try await client.apiLogin("ada")
            // March 2nd starts at 04:00: 02:00–02:40 belongs to March 1st.
            #expect(try await traveller.session("b", "2027-03-02T02:00:00Z", "2027-03-02T02:40:00Z", token: token).status == .created)
            let days = try await traveller.calendar("2027-02-28", "2027-03-02", token: token)
            #expect(days["2027-02-28"]?.minutes == 60 && days["2027-02-28"]?.state == "qualified")
            #expect(days["2027-03-01"]?.minutes == 100 && days["2027-03-01"]?.state == "qualified")
            #expect(days["2027-03-02"] == nil, "before 04:00 today is still March 1st: the 2nd has not begun")
            let streak = try await traveller.streak(token: token)
            #expect(streak["current"] as? Int == 2)
            let listed = try await client.api(.get, "/api/v1/sessions?from=2027-03-01&to=2027-03-01", token: token).json()["items"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["session_id"] as? String } == ["a", "b"], "sessions are listed on the days they count toward")
        }
    }

    @Test func restDaysBridgeTheWeekendAndMilestonesEarnFreezes() async throws {
        let app = try await app()
        try await app.test { client in
            let traveller = Traveller(client: client)
            try await traveller.go("2027-03-01T12:00:00Z")  // a Monday
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.patch, "/api/v1/me", json: #"{"settings":{"rest_days":["sat","sun"]}}"#, token: ada.access).status == .ok)
            // Monday to Friday qualify.
            for day in 1...5 {
                try await traveller.go("2027-03-0\(day)T20:00:00Z")
                let token = try await client.apiLogin("ada")
                #expect(try await traveller.session("d\(day)", "2027-03-0\(day)T09:00:00Z", "2027-03-0\(day)T09:30:00Z", token: token).status == .created)
            }
            try await traveller.go("2027-03-08T08:00:00Z")
            var token = try await client.apiLogin("ada")
            var streak = try await traveller.streak(token: token)
            #expect(streak["current"] as? Int == 5, "the weekend is bridged")
            #expect(streak["rest_days"] as? [String] == ["sat", "sun"])
            let days = try await traveller.calendar("2027-03-05", "2027-03-08", token: token)
            #expect(["2027-03-05", "2027-03-06", "2027-03-07", "2027-03-08"].map { days[$0]?.state } == ["qualified", "rest", "rest", "today"])
            // Monday and Tuesday make 7: a milestone (+50 XP) and a freeze.
            for day in 8...9 {
                try await traveller.go("2027-03-0\(day)T20:00:00Z")
                token = try await client.apiLogin("ada")
                _ = try await traveller.session("d\(day)", "2027-03-0\(day)T09:00:00Z", "2027-03-0\(day)T09:30:00Z", token: token)
            }
            streak = try await traveller.streak(token: token)
            #expect(streak["current"] as? Int == 7 && streak["freezes_held"] as? Int == 1 && streak["next_milestone_at"] as? Int == 14)
            let me = try await client.api(.get, "/api/v1/me", token: token).json()
            #expect(me["xp"] as? Int == 7 * 30 + 50)
            // Wednesday is missed: the freeze bridges it.
            try await traveller.go("2027-03-11T12:00:00Z")
            token = try await client.apiLogin("ada")
            streak = try await traveller.streak(token: token)
            #expect(streak["current"] as? Int == 7 && streak["freezes_held"] as? Int == 0 && streak["freezes_used"] as? Int == 1)
            #expect(try await traveller.calendar("2027-03-10", "2027-03-10", token: token)["2027-03-10"]?.state == "frozen")
            // The leaderboard and the admin overview finish the same walk from their one read.
            let board = try await client.api(.get, "/api/v1/leaderboard", token: token).json()["items"] as? [[String: Any]]
            #expect(board?.first?["current_streak"] as? Int == 7)
            let admin = try await client.apiLogin("root")
            let rows = try await client.api(.get, "/api/v1/admin/users?q=ada", token: admin).json()["items"] as? [[String: Any]]
            #expect(rows?.first?["current_streak"] as? Int == 7)
            // A late session for Wednesday gives the freeze back.
            #expect(try await traveller.session("late", "2027-03-10T09:00:00Z", "2027-03-10T09:45:00Z", token: token).status == .created)
            streak = try await traveller.streak(token: token)
            #expect(streak["current"] as? Int == 8 && streak["freezes_held"] as? Int == 1 && streak["freezes_used"] as? Int == 0)
        }
    }

    @Test func breaksArePlannedAheadAndCannotBeCancelledOnceStarted() async throws {
        let app = try await app()
        try await app.test { client in
            let traveller = Traveller(client: client)
            try await traveller.go("2027-03-01T12:00:00Z")
            let ada = try await client.apiSignup("ada")
            let bea = try await client.apiSignup("bea")
            func plan(_ body: String, token: String? = nil) async throws -> TestResponse {
                try await client.api(.post, "/api/v1/breaks", json: body, token: token ?? ada.access)
            }
            #expect(try await plan(#"{"from":"2027-03-01","to":"2027-03-03"}"#).errorFields?["from"] != nil, "today cannot be excused")
            #expect(try await plan(#"{"from":"2027-03-02","to":"2027-03-16"}"#).errorFields?["to"] != nil, "15 days")
            #expect(try await plan(#"{"from":"2027-03-05","to":"2027-03-04"}"#).errorFields?["to"] != nil)
            #expect(try await plan(#"{"from":"March","to":7}"#).errorFields?.keys.sorted() == ["from", "to"])
            #expect(try await plan(#"{"to":"2027-03-04"}"#).errorFields?["from"] == "is required")
            let planned = try await plan(#"{"from":"2027-03-02","to":"2027-03-04","note":"Trip"}"#)
            #expect(planned.status == .created)
            let id = try #require(try planned.json()["id"] as? Int)
            #expect(try planned.json()["note"] as? String == "Trip")
            #expect(try await plan(#"{"from":"2027-03-04","to":"2027-03-06"}"#).errorFields?["to"]?.contains("overlaps") == true)
            let long = String(repeating: "x", count: 199)
            #expect(try await plan(#"{"from":"2027-03-20","to":"2027-03-20","note":"  \#(long)  "}"#).errorFields?["note"] != nil, "the length counts what was sent")
            let blank = try await plan(#"{"from":"2027-03-20","to":"2027-03-20","note":"   "}"#)
            let blankNote = try blank.json()["note"]
            #expect(blank.status == .created && blankNote is NSNull, "white space is no note")
            #expect(try await client.api(.delete, "/api/v1/breaks/\(try blank.json()["id"] as? Int ?? 0)", token: ada.access).status == .noContent)
            let list = try await client.api(.get, "/api/v1/breaks", token: ada.access).json()["items"] as? [[String: Any]]
            #expect(list?.count == 1 && list?.first?["from"] as? String == "2027-03-02")
            #expect((try await client.api(.get, "/api/v1/breaks", token: bea.access).json()["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.api(.delete, "/api/v1/breaks/\(id)", token: bea.access).status == .notFound, "someone else's break")
            #expect(try await client.api(.delete, "/api/v1/breaks/\(id)", token: ada.access).status == .noContent)
            #expect(try await plan(#"{"from":"2027-03-02","to":"2027-03-04"}"#).status == .created)
            // Qualify March 1st, travel into the break: it has started.
            _ = try await traveller.session("m1", "2027-03-01T09:00:00Z", "2027-03-01T09:30:00Z", token: ada.access)
            try await traveller.go("2027-03-03T12:00:00Z")
            let token = try await client.apiLogin("ada")
            let items = try #require(try await client.api(.get, "/api/v1/breaks", token: token).json()["items"] as? [[String: Any]])
            let started = try await client.api(.delete, "/api/v1/breaks/\(items[0]["id"] as? Int ?? 0)", token: token)
            #expect(started.status == .conflict && started.errorCode == "break_started")
            try await traveller.go("2027-03-05T12:00:00Z")
            let later = try await client.apiLogin("ada")
            let streak = try await traveller.streak(token: later)
            #expect(streak["current"] as? Int == 1, "the break bridges March 2nd to 4th")
            let days = try await traveller.calendar("2027-03-01", "2027-03-05", token: later)
            #expect(["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"].map { days[$0]?.state } == ["qualified", "break", "break", "break", "today"])
        }
    }

    @Test func invalidSettingsNameTheFieldAndChangeNothing() async throws {
        let app = try await app()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for (body, field) in [
                (#"{"settings":{"day_starts_at":7}}"#, "day_starts_at"), (#"{"settings":{"day_starts_at":-1}}"#, "day_starts_at"),
                (#"{"settings":{"rest_days":["mon","tue","wed","thu"]}}"#, "rest_days"), (#"{"settings":{"rest_days":["mon","mon"]}}"#, "rest_days"),
                (#"{"settings":{"rest_days":"sat"}}"#, "rest_days"), (#"{"settings":{"rest_days":["saturday"]}}"#, "rest_days"),
                (#"{"settings":{"rest_days":["sat"],"day_starts_at":9}}"#, "day_starts_at"),
            ] {
                let response = try await client.api(.patch, "/api/v1/me", json: body, token: ada.access)
                #expect(response.status == .unprocessableContent && response.errorFields?[field] != nil, "\(body)")
            }
            let settings = try #require(try await client.api(.get, "/api/v1/me", token: ada.access).json()["settings"] as? [String: Any])
            #expect(settings["day_starts_at"] as? Int == 0 && settings["rest_days"] as? [String] == [])
            for query in ["from=2027-03-05&to=2027-03-01", "from=2026-01-01&to=2027-03-01", "from=x&to=2027-03-01", "to=2027-03-01"] {
                #expect(try await client.api(.get, "/api/v1/streak/calendar?\(query)", token: ada.access).status == .unprocessableContent, "\(query)")
            }
        }
    }
}
