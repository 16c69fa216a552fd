import Foundation
import HTTPTypes
import Testing

@testable import WebApp

@Suite(.closingTestApps) struct AccountAPITests {
    @Test func signupReturnsTheTokenResponseAndTheUserShape() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let response = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"Ada","password":"correct horse battery","timezone":"Asia/Kolkata"}"#)
            #expect(response.status == .created)
            let user = try #require(try response.json()["user"] as? [String: Any])
            #expect(user["username"] as? String == "Ada")
            #expect(user["timezone"] as? String == "Asia/Kolkata")
            #expect(user["is_admin"] as? Bool == false)
            #expect(user["xp"] as? Int == 0)
            #expect(user["level"] as? Int == 1)
            #expect((user["created_at"] as? String)?.hasSuffix("Z") == true)
            let settings = try #require(user["settings"] as? [String: Any])
            #expect(settings.compactMapValues { $0 as? Int } == ["focus_minutes": 25, "short_break_minutes": 5, "long_break_minutes": 15, "long_break_every": 4, "day_starts_at": 0])
            #expect(settings["rest_days"] as? [String] == [])
        }
    }

    @Test func signupValidatesAndRefusesTakenNames() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            _ = try await client.apiSignup("ada")
            let taken = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"ADA","password":"correct horse battery"}"#)
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "username_taken")
            let invalid = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"a b","password":"short","timezone":"Nowhere/City"}"#)
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.errorCode == "validation_failed")
            #expect(Set(invalid.errorFields?.keys.map { $0 } ?? []) == ["username", "password", "timezone"])
            let wrongType = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":5,"password":"correct horse battery"}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(wrongType.errorFields?["username"] == "must be a string")
            let missing = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"bob"}"#)
            #expect(missing.errorFields?["password"] == "is required")
        }
        let count = try await app.integer("SELECT COUNT(*) FROM users")
        #expect(count == 1, "bad input changes nothing")
    }

    @Test func errorsHaveTheContractShape() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let malformed = try await client.api(.post, "/api/v1/auth/login", json: "{nope", headers: [.xRequestID: "req-123"])
            #expect(malformed.status == .badRequest)
            let error = try #require(try malformed.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "malformed_json")
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error["request_id"] as? String == "req-123")
            #expect(malformed.headers[.xRequestID] == "req-123")
            #expect(malformed.headers[.contentType] == "application/json")

            let unknown = try await client.api(.get, "/api/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "not_found")

            let big = String(repeating: "x", count: (1 << 20) + 1)
            let tooLarge = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"\#(big)"}"#)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "payload_too_large")
        }
    }

    @Test func meCanBeReadAndPartlyUpdated() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let updated = try await client.api(.patch, "/api/v1/me", json: #"{"settings":{"focus_minutes":50}}"#, token: ada.access)
            #expect(updated.status == .ok)
            let settings = try #require(try updated.json()["settings"] as? [String: Any])
            #expect(settings["focus_minutes"] as? Int == 50 && settings["short_break_minutes"] as? Int == 5)
            let zone = try await client.api(.patch, "/api/v1/me", json: #"{"timezone":"America/St_Johns"}"#, token: ada.access)
            #expect(try zone.json()["timezone"] as? String == "America/St_Johns")
            let bad = try await client.api(.patch, "/api/v1/me", json: #"{"timezone":"Moon/Base","settings":{"long_break_every":0}}"#, token: ada.access)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields?.keys.map { $0 } ?? []) == ["timezone", "long_break_every"])
            let me = try await client.api(.get, "/api/v1/me", token: ada.access).json()
            #expect(me["timezone"] as? String == "America/St_Johns", "a rejected change changes nothing")
        }
    }

    @Test func cookiesAreIgnoredOnTheAPI() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            #expect(browser.cookies["fq_session"] != nil)
            let me = try await browser.get("/api/v1/me")
            #expect(me.status == .unauthorized)
            #expect(me.errorCode == "not_authenticated")
        }
    }

    @Test func loginFailuresAreLimitedPerUsername() async throws {
        let app = try await TestApp.make { $0.authFailuresPerUsername = 3 }
        try await app.test { client in
            _ = try await client.apiSignup("ada")
            for _ in 0..<3 {
                let wrong = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"wrong password"}"#)
                #expect(wrong.status == .unauthorized)
                #expect(wrong.errorCode == "invalid_credentials")
            }
            let limited = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ADA","password":"correct horse battery"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            app.clock.advance(by: 15 * 60 + 1)
            #expect(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).status == .ok)
        }
    }

    @Test func loginAndSignupAreLimitedPerAddress() async throws {
        let app = try await TestApp.make { $0.authRequestsPerIP = 2 }
        try await app.test { client in
            for _ in 0..<2 {
                _ = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"nobody","password":"whatever it is"}"#)
            }
            let limited = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"ada","password":"correct horse battery"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    /// Behind a trusted proxy each client counts under the address the proxy names; from
    /// anywhere else those headers are ignored, so a client cannot dodge its limit.
    @Test func behindATrustedProxyEachClientIsLimitedOnItsOwn() async throws {
        for trusted in [true, false] {
            let app = try await TestApp.make {
                $0.authRequestsPerIP = 2
                $0.trustedProxies = trusted ? ["127.0.0.1", "::1"] : []
            }
            try await app.test(.live) { client in
                func login(_ headers: HTTPFields) async throws -> HTTPResponse.Status {
                    try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"nobody","password":"whatever it is"}"#, headers: headers).status
                }
                for _ in 0..<2 { #expect(try await login([.xRealIP: "203.0.113.7"]) == .unauthorized) }
                #expect(try await login([.xRealIP: "203.0.113.7"]) == .tooManyRequests)
                let other = try await login([.xForwardedFor: "198.51.100.9, 127.0.0.1"])
                #expect(other == (trusted ? .unauthorized : .tooManyRequests), "trusted: \(trusted)")
            }
        }
    }

    @Test func theClientIsTheLastForwardedHopThatIsNotAProxy() {
        let middleware = ForwardedClientMiddleware(proxies: ["10.0.0.2", "10.0.0.3"])
        #expect(middleware.client(named: [.xForwardedFor: "1.1.1.1, 198.51.100.9, 10.0.0.3", .xRealIP: "not an address"]) == "198.51.100.9")
        #expect(middleware.client(named: [.xRealIP: " 2001:db8::1 "]) == "2001:db8::1")
        #expect(middleware.client(named: [.xForwardedFor: "10.0.0.2, 10.0.0.3"]) == nil)
        #expect(middleware.client(named: [.xForwardedFor: "<script>, 10.0.0.3"]) == nil)
    }

    @Test func unknownUsersGetTheSameAnswerAsWrongPasswords() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            _ = try await client.apiSignup("ada")
            let unknown = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"nobody","password":"wrong password"}"#)
            let wrong = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"wrong password"}"#)
            #expect(unknown.status == wrong.status)
            #expect((try unknown.json()["error"] as? [String: Any])?["message"] as? String == (try wrong.json()["error"] as? [String: Any])?["message"] as? String)
        }
    }
}
