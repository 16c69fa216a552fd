import Foundation
import HTTPTypes
import Testing

@testable import WebApp

/// Browser pages: sign-up and login forms, fragments for the page script, settings,
/// error pages, session cookies and CSRF.
@Suite(.closingTestApps) struct WebPageTests {
    @Test func signupLeadsToTheDashboardWithASecureSessionCookie() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            let page = try await browser.get("/signup")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<meta name="csrf-token" content="\#(browser.csrf)">"#))
            #expect(page.headers[.vary] == "HX-Request")
            let csrfCookie = try #require(page.setCookie("fq_csrf"))
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Lax") && csrfCookie.contains("Path=/"))

            let signup = try await browser.post("/signup", ["username": "ada", "password": "correct horse battery", "timezone": "Europe/Berlin"])
            #expect(signup.status == .seeOther)
            #expect(signup.headers[.location] == "/dashboard")
            let session = try #require(signup.setCookie("fq_session"))
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))
            #expect(session.contains("Path=/"))
            #expect(!session.contains("Secure"), "plain http in development and test")
            #expect(signup.setCookie("fq_csrf") != nil, "the CSRF token is rotated at sign-in")

            let dashboard = try await browser.get("/dashboard")
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("Hello, ada"))
            #expect(dashboard.text.contains("Europe/Berlin"))
            #expect(try await browser.get("/").headers[.location] == "/dashboard")
        }
    }

    @Test func productionMarksCookiesSecure() async throws {
        let app = try await TestApp.make { $0.environment = .production }
        try await app.test { client in
            let browser = Browser(client)
            let signup = try await browser.signup("ada")
            #expect(try #require(signup.setCookie("fq_session")).contains("Secure"))
        }
    }

    @Test func formErrorsAreShownInlineKeepingInputButNeverThePassword() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.get("/signup")
            let full = try await browser.post("/signup", ["username": "a<b", "password": "secret-typed-123", "timezone": "Mars/Base"])
            #expect(full.status == .unprocessableContent)
            #expect(full.text.contains("<!doctype html>"))
            #expect(full.text.contains(#"value="a&lt;b""#))
            #expect(full.text.contains(#"value="Mars/Base""#))
            #expect(!full.text.contains("secret-typed-123"))
            #expect(full.text.contains("Username may only contain"))
            #expect(full.text.contains("Time zone must be an IANA time zone"))

            let fragment = try await browser.post("/signup", ["username": "ok_name", "password": "password", "timezone": "UTC"], hx: true)
            #expect(fragment.status == .unprocessableContent)
            #expect(fragment.text.hasPrefix("\n  <form id=\"signup-form\"") || fragment.text.hasPrefix("<form") || fragment.text.contains("<form id=\"signup-form\""))
            #expect(!fragment.text.contains("<!doctype html>"))
            #expect(fragment.text.contains("Password is too common"))
            #expect(fragment.headers[.vary] == "HX-Request")
        }
    }

    @Test func scriptRequestsGetRedirectsAsHeaders() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.get("/signup")
            let signup = try await browser.post("/signup", ["username": "ada", "password": "correct horse battery", "timezone": "UTC"], hx: true)
            #expect(signup.status == .noContent)
            #expect(signup.headers[.hxRedirect] == "/dashboard")
        }
    }

    @Test func loginKeepsTheUsernameAndExplainsFailures() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            try await Browser(client).signup("ada")
            let browser = Browser(client)
            try await browser.get("/login")
            let wrong = try await browser.post("/login", ["username": "ada", "password": "not the password"], hx: true)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Wrong username or password."))
            #expect(wrong.text.contains(#"value="ada""#))
            #expect(!wrong.text.contains("not the password"))
            let right = try await browser.post("/login", ["username": "ada", "password": "correct horse battery"])
            #expect(right.status == .seeOther)
            #expect(try await browser.get("/dashboard").status == .ok)
            let logout = try await browser.post("/logout")
            #expect(logout.headers[.location] == "/login?signed_out=1")
            #expect(try await browser.get("/login?signed_out=1").text.contains("You are signed out."))
            #expect(try await browser.get("/dashboard").headers[.location] == "/login?next=%2Fdashboard")
        }
    }

    @Test func pagesNeedASignedInUser() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            for path in ["/dashboard", "/settings"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login?next=\(QueryString.encode(path))", "back to the page first asked for")
            }
            let hx = try await browser.get("/dashboard", hx: true)
            #expect(hx.headers[.hxRedirect] == "/login?next=%2Fdashboard")
            let form = try await browser.get("/login?next=%2Fsettings").text
            #expect(form.contains(#"name="next" value="/settings""#))
            _ = try await client.apiSignup("ada")
            let back = try await browser.post("/login", ["username": "ada", "password": "correct horse battery", "next": "/settings"])
            #expect(back.headers[.location] == "/settings")
            for hostile in ["//evil.example/x", "https://evil.example", "/\\evil.example", "settings"] {
                let other = Browser(client)
                try await other.get("/login")
                let answer = try await other.post("/login", ["username": "ada", "password": "correct horse battery", "next": hostile])
                #expect(answer.headers[.location] == "/dashboard", "never another site: \(hostile)")
            }
        }
    }

    @Test func stateChangingRequestsNeedTheCSRFTokenAndOurOrigin() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let fields = ["timezone": "UTC", "focus_minutes": "30"]
            let missing = try await browser.post("/settings", fields, csrf: "")
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("came from another site"))
            let wrong = try await browser.post("/settings", fields, csrf: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            #expect(wrong.status == .forbidden)
            let foreign = try await browser.post("/settings", fields, headers: [.origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            let headerToken = try await browser.send(.post, "/settings", headers: [.xCSRFToken: browser.csrf, .contentType: "application/x-www-form-urlencoded"], body: .init(string: "timezone=UTC&focus_minutes=30"))
            #expect(headerToken.status == .seeOther)
            let user = try await app.services.database.user(named: "ada")
            #expect(user?.focusMinutes == 30, "only the request with the token changed anything")
            let anonymous = Browser(client)
            #expect(try await anonymous.post("/login", ["username": "ada", "password": "correct horse battery"]).status == .forbidden, "login needs the token too")
        }
    }

    @Test func settingsSaveAndKeepInputOnErrors() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let bad = try await browser.post("/settings", ["timezone": "Nowhere", "focus_minutes": "500", "short_break_minutes": "5", "long_break_minutes": "15", "long_break_every": "4"], hx: true)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"value="Nowhere""#))
            #expect(bad.text.contains(#"value="500""#))
            #expect(bad.text.contains("must be 1 to 180 minutes"))
            let several = try await browser.post("/settings", ["timezone": "Nowhere", "focus_minutes": "ten", "short_break_minutes": "5", "long_break_minutes": "15", "long_break_every": "99"], hx: true)
            #expect(several.status == .unprocessableContent)
            for problem in ["must be an IANA time zone", "must be a whole number", "must be 1 to 12"] {
                #expect(several.text.contains(problem), "every problem of the form is named: \(problem)")
            }
            let good = try await browser.post("/settings", ["timezone": "Asia/Tokyo", "focus_minutes": "45", "short_break_minutes": "5", "long_break_minutes": "20", "long_break_every": "3"], hx: true)
            #expect(good.status == .ok)
            #expect(good.text.contains("Saved."))
            let user = try #require(try await app.services.database.user(named: "ada"))
            #expect(user.timezone == "Asia/Tokyo" && user.focusMinutes == 45 && user.longBreakMinutes == 20 && user.longBreakEvery == 3)
        }
    }

    @Test func signOutEverywhereEndsTheSession() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let session = try #require(browser.cookies["fq_session"])
            #expect(try await browser.post("/settings/sign-out-everywhere").headers[.location] == "/login?signed_out=1")
            browser.cookies["fq_session"] = session
            #expect(try await browser.get("/dashboard").headers[.location] == "/login?next=%2Fdashboard", "the old cookie no longer works")
        }
    }

    @Test func sessionCookiesAreRenewedPastHalfTheirLife() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            #expect(try await browser.get("/dashboard").setCookie("fq_session") == nil)
            app.clock.advance(by: 13 * 3600)
            let renewed = try await browser.get("/dashboard")
            #expect(renewed.setCookie("fq_session") != nil)
            app.clock.advance(by: 13 * 3600)
            #expect(try await browser.get("/dashboard").status == .ok, "the renewed cookie outlives the first")
        }
    }

    @Test func errorPagesLookLikeTheAppAndCarrySecurityHeaders() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("<!doctype html>"))
            #expect(missing.text.contains("Page not found"))
            #expect(missing.text.contains(#"href="/css/app.css""#))
            #expect(missing.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(missing.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(missing.headers[.xContentTypeOptions] == "nosniff")
            #expect(missing.headers[.referrerPolicy] == "same-origin")
            let fragment = try await browser.get("/no/such/page", hx: true)
            #expect(!fragment.text.contains("<!doctype html>"))
            #expect(fragment.text.contains("Page not found"))
            #expect(fragment.headers[.hxRetarget] == "#flash")
        }
    }

    @Test func noInlineScriptOnAnyPage() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            var pages = [try await browser.get("/login").text, try await browser.get("/signup").text]
            try await browser.signup("ada")
            pages += [try await browser.get("/dashboard").text, try await browser.get("/settings").text]
            for page in pages {
                let scripts = page.components(separatedBy: "<script").dropFirst()
                #expect(!scripts.isEmpty)
                #expect(scripts.allSatisfy { $0.hasPrefix(#" src="/js/"#) && $0.contains("></script>") }, "every script is a file")
                #expect(page.contains(#"<script src="/js/fq.js" defer></script>"#))
                #expect(!page.lowercased().contains(" onclick="))
            }
        }
    }

    @Test func staticFilesAndHealthAreServed() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let script = try await client.execute(uri: "/js/fq.js", method: .get)
            #expect(script.status == .ok)
            #expect(String(buffer: script.body).contains("HX-Request"))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.headers[.xRequestID]?.isEmpty == false)
        }
    }

    /// A page that does not exist still shows the signed-in navigation.
    @Test func theNotFoundPageKnowsWhoIsSignedIn() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("Page not found") && missing.text.contains("Sign out <span class=\"muted\">(ada)</span>"))
            #expect(missing.text.contains(#"name="_csrf" value="\#(browser.csrf)""#), "its sign-out form works")
            let anonymous = try await Browser(client).get("/no/such/page")
            #expect(anonymous.status == .notFound && anonymous.text.contains("Log in"))
        }
    }
}
