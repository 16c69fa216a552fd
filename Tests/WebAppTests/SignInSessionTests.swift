import Domain
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebApp

/// Sessions you can see (SPEC §13): every sign-in is one, listed with its device, and
/// revoking it stops its tokens at their next request.
@Suite(.closingTestApps) struct SignInSessionTests {
    static let firefox: HTTPFields = [.userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"]

    @Test func everySignInIsASessionAndRevokingOneStopsItsTokens() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let laptop = try await client.api(
                .post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#, headers: Self.firefox
            ).json()
            let laptopAccess = try #require(laptop["access_token"] as? String)
            let laptopRefresh = try #require(laptop["refresh_token"] as? String)
            let listed = try await client.api(.get, "/api/v1/me/sessions", token: ada.access)
            let items = try #require(try listed.json()["items"] as? [[String: Any]])
            #expect(items.count == 2)
            let laptopItem = try #require(items.first { $0["device"] as? String == "Firefox on Linux" })
            #expect(laptopItem["current"] as? Bool == false && laptopItem["ip"] is String && laptopItem["created_at"] is String && laptopItem["last_seen_at"] is String)
            #expect(items.first { $0["current"] as? Bool == true }?["id"] as? Int != laptopItem["id"] as? Int)
            let id = try #require(laptopItem["id"] as? Int)

            #expect(try await client.api(.delete, "/api/v1/me/sessions/\(id)", token: ada.access).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/me", token: laptopAccess).status == .unauthorized, "its access token stops at once")
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(laptopRefresh)"}"#).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .ok, "the other session goes on")
            #expect(try await client.api(.delete, "/api/v1/me/sessions/\(id)", token: ada.access).status == .notFound)
            let entry = try #require(try await app.services.database.securityLog(userID: 1).first)
            #expect(entry.event == "session_revoked" && entry.detail == "Firefox on Linux")

            let bob = try await client.apiSignup("bob")
            let adaSession = try #require(try await app.services.database.signInSessions(userID: 1).first?.id)
            #expect(try await client.api(.delete, "/api/v1/me/sessions/\(adaSession)", token: bob.access).status == .notFound, "another user's session")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .ok)
        }
    }

    @Test func refreshingKeepsTheSessionAndAReusedTokenEndsIt() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            app.clock.advance(by: 600)
            let rotated = try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).json()
            let access = try #require(rotated["access_token"] as? String)
            let sessions = try await app.services.database.signInSessions(userID: 1)
            #expect(sessions.count == 1 && sessions[0].lastSeenAt == app.clock.now, "a refresh is the session seen")
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/me", token: access).status == .unauthorized, "reuse of a used refresh token ends the session")
            #expect(try await app.services.database.signInSessions(userID: 1).isEmpty)
        }
    }

    @Test func aBrowserSessionIsListedAndCanBeSignedOutFromAnother() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let phone = Browser(client)
            try await phone.signup("ada")
            let laptop = Browser(client)
            try await laptop.get("/login")
            #expect(try await laptop.post("/login", ["username": "ada", "password": "correct horse battery"], headers: Self.firefox).status == .seeOther)
            let page = try await phone.get("/settings")
            #expect(page.text.contains("Firefox on Linux") && page.text.contains(#"<span class="badge">this device</span>"#))
            let laptopSession = try #require(try await app.services.database.signInSessions(userID: 1).first { $0.device == "Firefox on Linux" }?.id)
            let revoked = try await phone.post("/settings/sessions/\(laptopSession)/revoke", hx: true)
            #expect(revoked.status == .ok && revoked.text.trimmingWhitespace.hasPrefix(#"<div id="sessions-section">"#) && !revoked.text.contains("Firefox on Linux"), "\(revoked.text.prefix(300))")
            #expect(try await laptop.get("/settings").headers[.location]?.hasPrefix("/login") == true, "its cookie stops at the next request")
            let gone = try await phone.post("/settings/sessions/\(laptopSession)/revoke")
            #expect(gone.status == .notFound && gone.text.contains("That session has already ended."), "shown in the section without JavaScript too")
            let own = try #require(try await app.services.database.signInSessions(userID: 1).first?.id)
            let out = try await phone.post("/settings/sessions/\(own)/revoke")
            #expect(out.headers[.location] == "/login?signed_out=1" && phone.cookies["fq_session"] == nil, "signing out this device signs out")
            #expect(try await app.services.database.signInSessions(userID: 1).isEmpty)
        }
    }

    @Test func logoutEndsTheBrowsersSession() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let cookie = try #require(browser.cookies["fq_session"])
            try await browser.post("/logout")
            browser.cookies["fq_session"] = cookie
            #expect(try await browser.get("/settings").headers[.location]?.hasPrefix("/login") == true, "a copied cookie is useless after logout")
        }
    }

    @Test(.sqliteOnly) func anUpgradeKeepsSignedInAPIClients() async throws {
        let folder = TemporaryFolders.new("fq-test")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try AppDatabase(path: folder.appendingPathComponent("focusquest.sqlite").path)
        try Migrations.migrator.migrate(database.pool, upTo: "v15-security-log")
        let presented = "a refresh token from before sessions were kept"
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO users (username, password_hash, timezone, created_at) VALUES ('ada', 'x', 'UTC', ?)", arguments: [Date()])
            try db.execute(
                sql: "INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at) VALUES (1, 'f1', ?, ?, ?)",
                arguments: [SecureRandom.sha256Hex(presented), Date(), Date().addingTimeInterval(86_400)])
            try db.execute(
                sql: "INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at, revoked_at) VALUES (1, 'f2', 'h2', ?, ?, ?)",
                arguments: [Date(), Date().addingTimeInterval(86_400), Date()])
        }
        try database.close()
        let app = try await TestApp.make(folder: folder, clock: ManualClock(Date()))
        #expect(try await app.services.database.signInSessions(userID: 1).map(\.device) == ["API client"], "one session per live family")
        try await app.test { client in
            let rotated = try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(presented)"}"#)
            #expect(rotated.status == .ok)
            #expect(try await client.api(.get, "/api/v1/me/sessions", token: try #require(try rotated.json()["access_token"] as? String)).status == .ok)
        }
    }
}
