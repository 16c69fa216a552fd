import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebApp

/// Two-factor sign-in as pages (SPEC §13): set up in settings, the login's second step,
/// each error where the person looks — as fragments and as whole pages.
@Suite(.closingTestApps) struct TwoFactorPageTests {
    /// Enrols through the settings page and returns the TOTP and the recovery codes shown.
    static func enrol(_ browser: Browser, _ app: TestApp) async throws -> (TOTP, [String]) {
        let started = try await browser.post("/settings/two-factor", hx: true)
        #expect(started.status == .ok && started.text.contains(#"id="two-factor-qr"><svg xmlns="http://www.w3.org/2000/svg""#))
        let shown = try #require(started.text.firstMatch(of: /id="two-factor-secret">([A-Z2-7 ]+)</)?.1)
        let totp = TOTP(secret: try #require(Base32.decode(String(shown))))
        let wrong = try await browser.post("/settings/two-factor/confirm", ["code": "000000"], hx: true)
        #expect(wrong.status == .unprocessableContent && wrong.text.contains("Code is not right, or was already used") && wrong.text.contains("two-factor-qr"))
        let confirmed = try await browser.post("/settings/two-factor/confirm", ["code": TwoFactorTests.code(totp, app)], hx: true)
        #expect(confirmed.status == .ok && confirmed.text.contains("Two-factor sign-in is on."))
        let codes = confirmed.text.matches(of: /<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})<\/code><\/li>/).map { String($0.1) }
        #expect(codes.count == 10)
        app.clock.advance(by: 30)
        return (totp, codes)
    }

    @Test func theLoginAsksForTheCodeOnASecondStep() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            let (totp, codes) = try await Self.enrol(ada, app)
            #expect(try await ada.get("/settings").text.contains("10 recovery codes left."))
            try await ada.post("/logout")

            try await ada.get("/login")
            let step = try await ada.post("/login", ["username": "ada", "password": "correct horse battery", "next": "/friends"], hx: true)
            #expect(step.status == .ok && step.text.contains(#"action="/login/code""#) && step.text.contains("Two-factor sign-in is on for <strong>ada</strong>"))
            #expect(ada.cookies["fq_session"] == nil, "the password step is no session")
            let proof = try #require(step.text.firstMatch(of: /name="proof" value="([^"]+)"/)?.1).description

            let wrong = try await ada.post("/login/code", ["proof": proof, "code": "000000", "next": "/friends"], hx: true)
            #expect(wrong.status == .unauthorized && wrong.text.contains("That code is not right, or was already used.") && wrong.text.contains(proof), "the step stays")
            let signedIn = try await ada.post("/login/code", ["proof": proof, "code": TwoFactorTests.code(totp, app), "next": "/friends"])
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/friends" && ada.cookies["fq_session"] != nil)
            try await ada.post("/logout")

            try await ada.get("/login")
            let again = try await ada.post("/login", ["username": "ada", "password": "correct horse battery"])
            let fresh = try #require(again.text.firstMatch(of: /name="proof" value="([^"]+)"/)?.1).description
            #expect(try await ada.post("/login/code", ["proof": fresh, "code": codes[0]]).status == .seeOther, "a recovery code in place of a code")
            try await ada.post("/logout")

            try await ada.get("/login")
            let late = try await ada.post("/login", ["username": "ada", "password": "correct horse battery"])
            let stale = try #require(late.text.firstMatch(of: /name="proof" value="([^"]+)"/)?.1).description
            app.clock.advance(by: 5 * 60 + 1)
            let expired = try await ada.post("/login/code", ["proof": stale, "code": TwoFactorTests.code(totp, app)])
            #expect(expired.status == .unauthorized && expired.text.contains("The sign-in took too long") && expired.text.contains(#"action="/login""#))
            let forged = try await ada.post("/login/code", ["proof": "not-a-proof", "code": "123456"])
            #expect(forged.status == .unauthorized && ada.cookies["fq_session"] == nil)
        }
    }

    @Test func turningItOffShowsEachProblemAtItsField() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            let (totp, _) = try await Self.enrol(ada, app)
            let wrongPassword = try await ada.post("/settings/two-factor/disable", ["password": "nope nope nope", "code": TwoFactorTests.code(totp, app)])
            #expect(wrongPassword.status == .forbidden && wrongPassword.text.contains(#"id="two-factor-off-password-error">The current password is wrong."#))
            #expect(wrongPassword.text.contains("<!doctype html>") || wrongPassword.text.contains("<html"), "without JavaScript the whole page")
            let wrongCode = try await ada.post("/settings/two-factor/disable", ["password": "correct horse battery", "code": "000000"], hx: true)
            #expect(wrongCode.status == .unprocessableContent && wrongCode.text.contains(#"id="two-factor-off-code-error">Code is not right"#))
            let off = try await ada.post("/settings/two-factor/disable", ["password": "correct horse battery", "code": TwoFactorTests.code(totp, app)], hx: true)
            #expect(off.status == .ok && off.text.contains("Two-factor sign-in is off.") && off.text.contains("Set up two-factor sign-in"))
        }
    }

    @Test func withoutADataKeyTheSectionSaysWhy() async throws {
        let app = try await TestApp.make { $0.dataKey = nil }
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            #expect(try await ada.get("/settings").text.contains(#"id="two-factor-unavailable""#))
            let refused = try await ada.post("/settings/two-factor", hx: true)
            #expect(refused.status == .serviceUnavailable && refused.text.contains("needs the server's DATA_KEY setting"))
        }
    }

    @Test func anAdminReadsAUsersSecurityLogAndResetsTwoFactor() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            _ = try await Self.enrol(ada, app)
            let root = Browser(client)
            try await root.get("/login")
            try await root.post("/login", ["username": "root", "password": "correct horse battery"])
            let overview = try await root.get("/admin")
            #expect(overview.text.contains(#"title="Two-factor sign-in is on">2FA</span>"#) && overview.text.contains(#"value="reset_2fa""#))
            let log = try await root.get("/admin/users/2/security-log")
            #expect(log.status == .ok && log.text.contains("Security log of ada") && log.text.contains("2fa enabled"))
            #expect(try await root.get("/admin/users/99/security-log").status == .notFound)
            #expect(try await ada.get("/admin/users/2/security-log").status == .forbidden)
            let reset = try await root.post("/admin/users/2", ["action": "reset_2fa"], hx: true)
            #expect(reset.status == .ok && !reset.text.contains(#"value="reset_2fa""#))
            #expect(try await root.get("/admin/users/2/security-log").text.contains("two-factor sign-in reset by root"))
        }
    }
}
