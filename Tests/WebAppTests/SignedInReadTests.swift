import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebApp

/// The full dashboard and the API's task list read their page with their user
/// (``SignedInReads``: one statement on PostgreSQL). The page is read before the user is
/// admitted, so these check that a refused user — session revoked, account disabled,
/// token version moved on — gets nothing of it, and that what an admitted user sees is
/// theirs at the edges of the days read for any time zone.
@Suite(.closingTestApps) struct SignedInReadTests {
    static let secret = "Secret plan for tomorrow"

    @Test func anAPIClientRefusedAtSignInGetsNoTaskPage() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"\#(Self.secret)"}"#, token: ada.access).status == .created)
            let laptop = try await client.apiLogin("ada")
            #expect(try await client.api(.get, "/api/v1/tasks", token: laptop).text.contains(Self.secret))

            let sessions = try await app.services.database.signInSessions(userID: Int64(ada.id))
            let laptopSession = try #require(sessions.map(\.id).max())
            #expect(try await client.api(.delete, "/api/v1/me/sessions/\(laptopSession)", token: ada.access).status == .noContent)
            try await Self.refused(client.api(.get, "/api/v1/tasks", token: laptop), "a revoked session")

            let admin = try await client.apiLogin("root")
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(ada.id)", json: #"{"disabled":true}"#, token: admin).status == .ok)
            try await Self.refused(client.api(.get, "/api/v1/tasks", token: ada.access), "a disabled account")
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(ada.id)", json: #"{"disabled":false}"#, token: admin).status == .ok)
            let again = try await client.apiLogin("ada")
            #expect(try await client.api(.get, "/api/v1/tasks", token: again).text.contains(Self.secret), "enabled again")

            try await app.execute("UPDATE users SET token_version = token_version + 1 WHERE id = \(ada.id)")
            try await Self.refused(client.api(.get, "/api/v1/tasks", token: again), "a token of an earlier version")
        }
    }

    @Test func aBrowserRefusedAtSignInGetsNoDashboard() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let phone = Browser(client)
            try await phone.signup("ada")
            try await app.addAdmin()
            try await phone.post("/tasks", ["title": Self.secret])
            let laptop = Browser(client)
            try await laptop.get("/login")
            #expect(try await laptop.post("/login", ["username": "ada", "password": "correct horse battery"]).status == .seeOther)
            #expect(try await laptop.get("/dashboard").text.contains(Self.secret))

            let laptopSession = try #require(try await app.services.database.signInSessions(userID: 1).map(\.id).max())
            #expect(try await phone.post("/settings/sessions/\(laptopSession)/revoke", hx: true).status == .ok)
            try Self.sentToSignIn(try await laptop.get("/dashboard"), "a revoked session")

            let admin = try await client.apiLogin("root")
            #expect(try await client.api(.patch, "/api/v1/admin/users/1", json: #"{"disabled":true}"#, token: admin).status == .ok)
            try Self.sentToSignIn(try await phone.get("/dashboard"), "a disabled account")
            #expect(try await client.api(.patch, "/api/v1/admin/users/1", json: #"{"disabled":false}"#, token: admin).status == .ok)
            let again = Browser(client)
            try await again.get("/login")
            #expect(try await again.post("/login", ["username": "ada", "password": "correct horse battery"]).status == .seeOther)
            #expect(try await again.get("/dashboard").text.contains(Self.secret), "enabled again")

            try await app.execute("UPDATE users SET token_version = token_version + 1 WHERE id = 1")
            try Self.sentToSignIn(try await again.get("/dashboard"), "a cookie of an earlier token version")
        }
    }

    @Test func aPageReadWithTheUserStillMarksTheSessionSeen() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let token = try await client.apiLogin("ada")
            app.clock.advance(by: 6 * 60)
            #expect(try await browser.get("/dashboard").status == .ok)
            #expect(try await client.api(.get, "/api/v1/tasks", token: token).status == .ok)
            let seen = try await app.services.database.signInSessions(userID: 1).map(\.lastSeenAt)
            #expect(seen == [app.clock.now, app.clock.now], "both sessions seen by the reads, as by any signed-in request")
        }
    }

    @Test func aQueryTheRouteRefusesIsAnsweredAfterTheSignIn() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.get, "/api/v1/tasks?limit=0", token: nil).status == .unauthorized, "no one signed in: the query is not looked at")
            #expect(try await client.api(.get, "/api/v1/tasks?limit=0", token: ada.access).errorFields?["limit"] != nil)
            let browser = Browser(client)
            try await browser.signup("bob")
            let page = try await browser.get("/dashboard?cursor=nonsense")
            #expect(page.status == .unprocessableContent && page.text.contains("bob"), "the error page is the signed-in person's")
        }
    }

    /// The dashboard reads the totals of the days any user's heatmap can show (the user is
    /// not known before the read): the user's own today and first heatmap day are in them
    /// at both ends of the world's time zones.
    @Test func theDashboardShowsTheUsersOwnDaysInEveryTimeZone() async throws {
        // Sunday 2027-01-17 10:30 UTC: already 00:30 on Monday in Kiritimati (+14), still
        // 23:30 on Saturday in Pago Pago (−11), whose heatmap then starts furthest back.
        let app = try await TestApp.make(clock: ManualClock(Date(timeIntervalSince1970: 1_800_000_000 + 2 * 86_400 + 9_000)))
        try await app.test { client in
            let east = Browser(client)
            try await east.signup("kiri", timezone: "Pacific/Kiritimati")
            let kiri = try await client.apiLogin("kiri")
            let today = try Self.session(start: app.clock.now.addingTimeInterval(-25 * 60), minutes: 20, zone: "Pacific/Kiritimati")
            #expect(try await client.api(.post, "/api/v1/sessions", json: today, token: kiri).status == .created)
            #expect(try await east.get("/dashboard").text.contains(#"id="today-minutes">20<"#), "the local today, a day past UTC's")

            let west = Browser(client)
            try await west.signup("pago", timezone: "Pacific/Pago_Pago")
            let pago = try await client.apiLogin("pago")
            let localToday = LocalDate(app.clock.now, in: try #require(TimeZone(identifier: "Pacific/Pago_Pago")))
            let daysBack = localToday.weekday + 7 * (ProgressView.heatmapWeeks - 1)
            #expect(localToday.weekday == 6)
            // 22:30 local on the heatmap's first day.
            let first = try Self.session(start: app.clock.now.addingTimeInterval(-Double(daysBack) * 86_400 - 3_600), minutes: 45, zone: "Pacific/Pago_Pago")
            #expect(try await client.api(.post, "/api/v1/sessions", json: first, token: pago).status == .created)
            #expect(try await west.get("/dashboard").text.contains("the goal was met on 1 day."), "the first heatmap day, a day before UTC's")
        }
    }

    private static func session(start: Date, minutes: Int, zone: String) throws -> String {
        let end = start.addingTimeInterval(Double(minutes * 60))
        return #"{"session_id":"\#(UUID().uuidString)","start_time":"\#(RFC3339.string(start))","end_time":"\#(RFC3339.string(end))","timezone":"\#(zone)"}"#
    }

    private static func refused(_ response: TestResponse, _ why: Comment) throws {
        #expect(response.status == .unauthorized, why)
        #expect(!response.text.contains(secret), why)
    }

    private static func sentToSignIn(_ response: TestResponse, _ why: Comment) throws {
        #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true, why)
        #expect(!response.text.contains(secret), why)
    }
}
