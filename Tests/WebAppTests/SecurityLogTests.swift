import Domain
import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// The security log (SPEC §13) as far as its events exist: sign-ins, password changes,
/// tokens, webhooks and admin actions, each with the request's address.
@Suite(.closingTestApps) struct SecurityLogTests {
    func events(_ client: any TestClientProtocol, _ token: String, path: String = "/api/v1/me/security-log") async throws -> [[String: Any]] {
        let response = try await client.api(.get, path, token: token)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["items"] as? [[String: Any]])
    }

    @Test func accountEventsAreLoggedNewestFirstAndAdminsCanReadThem() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let signup = try await client.apiSignup("ada")
            #expect(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"wrong horse battery"}"#).status == .unauthorized)
            var token = try await client.apiLogin("ada")
            let made = try await client.api(.post, "/api/v1/tokens", json: #"{"name":"cli","scopes":["read"]}"#, token: token)
            let tokenID = try #require(try made.json()["id"] as? Int)
            #expect(try await client.api(.delete, "/api/v1/tokens/\(tokenID)", token: token).status == .noContent)
            let hook = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"https://example.org/h","events":["level.up"]}"#, token: token)
            let hookID = try #require(try hook.json()["id"] as? Int)
            #expect(try await client.api(.delete, "/api/v1/webhooks/\(hookID)", token: token).status == .noContent)
            #expect(try await client.api(.post, "/api/v1/me/password", json: #"{"current_password":"correct horse battery","new_password":"another good phrase"}"#, token: token).status == .noContent)
            let admin = try await client.apiLogin("root")
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(signup.id)", json: #"{"disabled":true}"#, token: admin).status == .ok)
            #expect(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"another good phrase"}"#).status == .forbidden)
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(signup.id)", json: #"{"disabled":false}"#, token: admin).status == .ok)
            token = try await client.apiLogin("ada", password: "another good phrase")

            let log = try await events(client, token)
            #expect(log.map { $0["event"] as? String ?? "" } == [
                "login_succeeded", "admin_changed_account", "login_failed", "admin_changed_account", "password_changed", "webhook_deleted",
                "webhook_created", "token_revoked", "token_created", "login_succeeded", "login_failed",
            ])
            #expect(log.allSatisfy { ($0["ip"] as? String)?.isEmpty == false }, "every entry has the request's address")
            #expect(log[1]["detail"] as? String == "enabled by root" && log[2]["detail"] as? String == "account disabled")
            #expect(log.last?["detail"] as? String == "wrong password" && log[8]["detail"] as? String == "cli")
            #expect(try await events(client, admin, path: "/api/v1/admin/users/\(signup.id)/security-log").count == log.count)
            #expect(try await client.api(.get, "/api/v1/admin/users/\(signup.id)/security-log", token: token).status == .forbidden)
            #expect(try await client.api(.get, "/api/v1/admin/users/9999/security-log", token: admin).status == .notFound)
            let page = Browser(client)
            try await page.get("/login")
            try await page.post("/login", ["username": "ada", "password": "another good phrase"])
            let settings = try await page.get("/settings")
            #expect(settings.text.contains("<strong>token revoked</strong> · cli"))
        }
    }

    @Test func entriesOlderThan180DaysArePruned() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let signup = try await client.apiSignup("ada")
            let now = app.clock.now
            try await app.services.database.recordSecurityEvent(userID: Int64(signup.id), SecurityEvent(.loginSucceeded, ip: "old"), at: now.addingTimeInterval(-181 * 86_400))
            try await app.services.database.recordSecurityEvent(userID: Int64(signup.id), SecurityEvent(.loginSucceeded, ip: "recent"), at: now.addingTimeInterval(-179 * 86_400))
            #expect(try await app.services.database.pruneSecurityLog(before: now.addingTimeInterval(-Double(SecurityLog.keptDays) * 86_400)) == 1)
            #expect(try await app.services.database.securityLog(userID: Int64(signup.id)).map(\.ip) == ["recent"])
        }
    }
}
