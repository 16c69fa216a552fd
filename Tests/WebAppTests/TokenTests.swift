import Foundation
import GRDB
import Testing

@testable import WebApp

/// Access tokens, refresh tokens and the checks every authenticated request makes.
@Suite(.closingTestApps) struct TokenTests {
    @Test func accessTokensExpire() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .ok)
            app.clock.advance(by: 24 * 3600 + 1)
            let expired = try await client.api(.get, "/api/v1/me", token: ada.access)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "not_authenticated")
        }
    }

    @Test func tamperedForeignAndUnsignedTokensAreRejected() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let parts = ada.access.split(separator: ".").map(String.init)
            let claims = try #require(SecureRandom.decodeBase64URL(parts[1]).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] })
            var forged = claims
            forged["sub"] = "2"
            let forgedPayload = SecureRandom.base64URL(try JSONSerialization.data(withJSONObject: forged))
            let tampered = [parts[0], forgedPayload, parts[2]].joined(separator: ".")
            let noneHeader = SecureRandom.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let unsigned = [noneHeader, parts[1], ""].joined(separator: ".")
            let otherKey = await TokenService(secret: Array("another-secret-that-is-long-enough!!".utf8), accessLifetime: 3600, refreshLifetime: 3600, clock: app.clock)
            let foreign = try await otherKey.accessToken(for: try #require(try await app.services.database.user(named: "ada")), session: 1)
            for token in [tampered, unsigned, foreign, "garbage", parts[0] + "." + parts[1]] {
                #expect(try await client.api(.get, "/api/v1/me", token: token).status == .unauthorized, "\(token)")
            }
        }
    }

    @Test func disabledUsersAndStaleTokenVersionsAreRejected() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            try await app.execute("UPDATE users SET disabled = TRUE WHERE username = 'ada'")
            try await app.execute("UPDATE users SET token_version = token_version + 1 WHERE username = 'bob'")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/me", token: bob.access).status == .unauthorized)
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
            let disabledLogin = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#)
            #expect(disabledLogin.status == .forbidden)
            #expect(disabledLogin.errorCode == "account_disabled")
            let wrongPassword = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"wrong password!"}"#)
            #expect(wrongPassword.status == .unauthorized)
        }
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let first = try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#)
            #expect(first.status == .ok)
            let body = try first.json()
            let second = try #require(body["refresh_token"] as? String)
            #expect(second != ada.refresh)
            #expect(try await app.integer("SELECT COUNT(*) FROM refresh_tokens") > 0)
            #expect(try await app.integer("SELECT COUNT(*) FROM refresh_tokens WHERE length(token_hash) <> 64") == 0, "only SHA-256 hex is stored")
            #expect(body["token_type"] as? String == "bearer")
            #expect(body["expires_in"] as? Int == 86_400)
            #expect(try await client.api(.get, "/api/v1/me", token: try #require(body["access_token"] as? String)).status == .ok)

            let replay = try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#)
            #expect(replay.status == .unauthorized)
            #expect(replay.errorCode == "invalid_refresh_token")
            let successor = try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(second)"}"#)
            #expect(successor.status == .unauthorized, "reuse must revoke the whole family")
        }
    }

    @Test func refreshTokensExpire() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            app.clock.advance(by: 30 * 86_400 + 1)
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
        }
    }

    @Test func logoutRevokesTheRefreshTokenAndEverywhereEndsAccessTokens() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let other = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).json()
            let otherRefresh = try #require(other["refresh_token"] as? String)
            let otherAccess = try #require(other["access_token"] as? String)
            #expect(try await client.api(.post, "/api/v1/auth/logout", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .noContent)
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .unauthorized, "the session's access token ends with it")
            #expect(try await client.api(.get, "/api/v1/me", token: otherAccess).status == .ok, "plain logout keeps other sessions")
            let third = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).json()
            let thirdAccess = try #require(third["access_token"] as? String)
            #expect(try await client.api(.post, "/api/v1/auth/logout", json: #"{"refresh_token":"\#(otherRefresh)","everywhere":true}"#).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/me", token: thirdAccess).status == .unauthorized)
        }
    }

    @Test func passwordChangeEndsEverySession() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let wrong = try await client.api(.post, "/api/v1/me/password", json: #"{"current_password":"nope nope nope","new_password":"another good phrase"}"#, token: ada.access)
            #expect(wrong.status == .forbidden)
            #expect(wrong.errorCode == "wrong_password")
            let weak = try await client.api(.post, "/api/v1/me/password", json: #"{"current_password":"correct horse battery","new_password":"password"}"#, token: ada.access)
            #expect(weak.status == .unprocessableContent)
            #expect(weak.errorFields?["new_password"] != nil)
            let changed = try await client.api(.post, "/api/v1/me/password", json: #"{"current_password":"correct horse battery","new_password":"another good phrase"}"#, token: ada.access)
            #expect(changed.status == .noContent)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).status == .unauthorized)
            #expect(try await client.api(.post, "/api/v1/auth/refresh", json: #"{"refresh_token":"\#(ada.refresh)"}"#).status == .unauthorized)
            let login = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"another good phrase"}"#)
            #expect(login.status == .ok)
        }
    }
}
