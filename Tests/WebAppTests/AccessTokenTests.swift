import Domain
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import WebApp

/// Personal access tokens (SPEC §11) over HTTP.
@Suite(.closingTestApps) struct AccessTokenTests {
    func create(_ client: any TestClientProtocol, _ session: String, _ body: String) async throws -> TestResponse {
        try await client.api(.post, "/api/v1/tokens", json: body, token: session)
    }

    /// Every route of the router, with a `read` and a `write` token: the answer is 403
    /// `insufficient_scope` exactly when the route's scope (``RouteScope``) is not covered.
    @Test func everyAPIRouteChecksItsScope() async throws {
        let app = try await TestApp.make()
        // The event stream does not end, so this walk cannot read its answer; a read token
        // opening it is checked against a real server (Tests/e2e/test_live.py).
        let routes = AppRouter.build(app.services).routes.map { ($0.method.rawValue, "\($0.path)") }
            .filter { $0.1.hasPrefix("/api/v1/") && $0.1 != "/api/v1/events" }
        try await app.test { client in
            let session = try await client.apiSignup("ada").access
            let read = try #require(try await create(client, session, #"{"name":"reader","scopes":["read"]}"#).json()["token"] as? String)
            let write = try #require(try await create(client, session, #"{"name":"writer","scopes":["write"]}"#).json()["token"] as? String)
            var checked = 0
            for (method, template) in routes {
                let path = template.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "1" : String($0) }.joined(separator: "/")
                for (token, scopes) in [(read, [AccessScope.read]), (write, [.read, .write])] {
                    let response = try await client.execute(
                        uri: "/" + path, method: .init(method)!, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],  // safe: the router's own method names
                        body: method == "GET" || method == "HEAD" ? nil : ByteBuffer(string: "{}"))
                    let refused = response.status == .forbidden && response.text.contains("insufficient_scope")
                    let allowed = RouteScope.required(method: method, path: template).allows(scopes)
                    #expect(refused == !allowed, "\(method) \(template) with \(scopes): \(response.status)")
                    checked += 1
                }
            }
            #expect(checked > 80)
            #expect(RouteScope.required(method: "GET", path: "/api/v1/tokens") == .sessionOnly)
            #expect(RouteScope.required(method: "GET", path: "/api/v1/admin/users") == .sessionOnly)
            #expect(RouteScope.required(method: "POST", path: "/api/v1/tasks") == .write)

            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: [:], body: nil).json()
            for (path, operations) in try #require(document["paths"] as? [String: [String: [String: Any]]]) {
                for (method, operation) in operations {
                    guard let security = operation["security"] as? [[String: [String]]], let declared = security.first?["bearer"] else { continue }
                    #expect(declared == [RouteScope.required(method: method, path: path).documentName], "\(method) \(path) declares its scope")
                }
            }
        }
    }

    @Test func tokensAreShownOnceLimitedAndStopWhenExpiredDeletedOrDisabled() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let signup = try await client.apiSignup("ada")
            let session = signup.access
            let made = try await create(client, session, #"{"name":"  script ","scopes":["write"],"expires_in_days":30}"#)
            #expect(made.status == .created)
            let body = try made.json()
            let secret = try #require(body["token"] as? String)
            #expect(secret.hasPrefix("fqp_") && secret.count == 47)
            #expect(body["scopes"] as? [String] == ["read", "write"] && body["name"] as? String == "script")
            let listed = try #require(try await client.api(.get, "/api/v1/tokens", token: session).json()["items"] as? [[String: Any]])
            #expect(listed.count == 1 && listed[0]["token"] == nil && listed[0]["last_used_at"] is NSNull)
            #expect(try await app.integer("SELECT COUNT(*) FROM access_tokens") == 1)
            #expect(try await app.integer("SELECT COUNT(*) FROM access_tokens WHERE token_hash = '\(SecureRandom.sha256Hex(secret))'") == 1, "only the hash is kept")

            #expect(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"by script"}"#, token: secret).status == .created)
            #expect(try await client.api(.get, "/api/v1/tokens", token: secret).status == .forbidden)
            func lastUsed() async throws -> String? {
                (try await client.api(.get, "/api/v1/tokens", token: session).json()["items"] as? [[String: Any]])?.first?["last_used_at"] as? String
            }
            let first = try await lastUsed()
            #expect(first != nil)
            app.clock.advance(by: 30)
            _ = try await client.api(.get, "/api/v1/tasks", token: secret)
            #expect(try await lastUsed() == first, "written at most once a minute")
            app.clock.advance(by: 31)
            _ = try await client.api(.get, "/api/v1/tasks", token: secret)
            #expect(try await lastUsed() != first)

            #expect(try await client.api(.post, "/api/v1/auth/logout", json: "{}", token: secret).status == .forbidden)
            #expect(try await client.api(.post, "/api/v1/me/password", json: #"{"current_password":"correct horse battery","new_password":"another good phrase"}"#, token: session).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/tasks", token: secret).status == .ok, "a password change leaves tokens alone")

            let admin = try await client.apiLogin("root")
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(signup.id)", json: #"{"disabled":true}"#, token: admin).status == .ok)
            #expect(try await client.api(.get, "/api/v1/tasks", token: secret).status == .unauthorized, "a disabled account's tokens stop")
            #expect(try await client.api(.patch, "/api/v1/admin/users/\(signup.id)", json: #"{"disabled":false}"#, token: admin).status == .ok)
            #expect(try await client.api(.get, "/api/v1/tasks", token: secret).status == .ok, "and work again when it is enabled")

            app.clock.advance(by: 31 * 86_400)
            #expect(try await client.api(.get, "/api/v1/tasks", token: secret).status == .unauthorized, "expired")
            let fresh = try await client.apiLogin("ada", password: "another good phrase")
            let id = try #require(listed[0]["id"] as? Int)
            #expect(try await client.api(.delete, "/api/v1/tokens/\(id)", token: fresh).status == .noContent)
            #expect(try await client.api(.delete, "/api/v1/tokens/\(id)", token: fresh).status == .notFound)
        }
    }

    @Test func badRequestsNameTheFieldAndStoreNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let session = try await client.apiSignup("ada").access
            for (body, field) in [
                (#"{"name":" ","scopes":["read"]}"#, "name"), (#"{"name":"x","scopes":["admin"]}"#, "scopes"), (#"{"name":"x","scopes":[]}"#, "scopes"),
                (#"{"name":"x","scopes":["read","read"]}"#, "scopes"), (#"{"name":"x"}"#, "scopes"), (#"{"name":"x","scopes":["read"],"expires_in_days":366}"#, "expires_in_days"),
                (#"{"name":"\#(String(repeating: "n", count: 65))","scopes":["read"]}"#, "name"),
            ] {
                let response = try await create(client, session, body)
                #expect(response.status == .unprocessableContent && response.errorFields?[field] != nil, "\(body): \(response.text)")
            }
            for index in 1...20 {
                #expect(try await create(client, session, #"{"name":"t\#(index)","scopes":["read"]}"#).status == .created)
            }
            let over = try await create(client, session, #"{"name":"t21","scopes":["read"]}"#)
            #expect(over.status == .conflict && over.text.contains("too_many_tokens"))
            #expect((try await client.api(.get, "/api/v1/tokens", token: session).json()["items"] as? [Any])?.count == 20)
        }
    }
}

/// The access-tokens section of the settings page.
@Suite(.closingTestApps) struct AccessTokenPageTests {
    @Test func aTokenIsCreatedShownOnceListedAndRevoked() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let empty = try await browser.post("/settings/tokens", ["name": " ", "scope": "read", "expires_in_days": ""], hx: true)
            #expect(empty.status == .unprocessableContent && empty.text.contains("Name must be 1 to 64 characters"))
            let made = try await browser.post("/settings/tokens", ["name": "Shortcuts", "scope": "write", "expires_in_days": "90"], hx: true)
            #expect(made.status == .ok && made.text.contains("Token “Shortcuts” created."))
            let secret = try #require(made.text.firstMatch(of: /id="token-secret" readonly value="(fqp_[^"]+)"/)?.1)
            #expect(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"from a shortcut"}"#, token: String(secret)).status == .created)
            let page = try await browser.get("/settings")
            #expect(page.text.contains("<strong>Shortcuts</strong> · read and write") && !page.text.contains(String(secret)), "listed, the secret never again")
            let id = try #require(try await app.services.database.accessTokens(userID: 1).first?.id)
            let revoked = try await browser.post("/settings/tokens/\(id)/revoke", hx: true)
            #expect(revoked.status == .ok && revoked.text.contains("Token revoked") && revoked.text.contains("No access tokens."))
            #expect(try await client.api(.get, "/api/v1/tasks", token: String(secret)).status == .unauthorized)
            let again = try await browser.post("/settings/tokens/\(id)/revoke")
            #expect(again.status == .notFound && again.text.contains("That token was already revoked."), "without JavaScript: the whole page says it")
        }
    }
}
