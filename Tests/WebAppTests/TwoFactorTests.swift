import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebApp

/// Two-factor sign-in (SPEC §13) through the API, with codes computed like an
/// authenticator app and the test clock moved between them.
@Suite(.closingTestApps) struct TwoFactorTests {
    static let password = "correct horse battery"

    /// RFC 6238 appendix B, SHA-1 rows (secret "12345678901234567890", 8 digits).
    @Test(arguments: [
        (59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfc6238Vectors(time: Double, code: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: time))) == code)
        #expect(TOTP(secret: Array("12345678901234567890".utf8)).code(step: TOTP.step(at: Date(timeIntervalSince1970: time))) == String(code.suffix(6)))
    }

    @Test func codesCountOnceWithinOneStepEitherSide() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: 0) == step - 1)
        #expect(totp.matchingStep(totp.code(step: step + 1), at: now, after: 0) == step + 1)
        #expect(totp.matchingStep(totp.code(step: step - 2), at: now, after: 0) == nil, "two steps back is too old")
        #expect(totp.matchingStep(totp.code(step: step), at: now, after: step) == nil, "a spent step is a replay")
        #expect(TOTP.normalized(" 123 456 ") == "123456" && TOTP.normalized("12345") == nil && TOTP.normalized("12345a") == nil)
    }

    @Test func base32RoundTripsAndReadsWhatAppsShow() {
        var generator = SeededRandom(seed: 7)
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw 6ytb oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
    }

    @Test func theDataKeyBindsASecretToItsUser() throws {
        let key = DataKey(secret: Array("a data key that is long enough to be real".utf8))
        let sealed = try key.seal([1, 2, 3], userID: 7)
        #expect(try key.open(sealed, userID: 7) == [1, 2, 3])
        #expect(throws: (any Error).self) { try key.open(sealed, userID: 8) }
        #expect(throws: (any Error).self) { try DataKey(secret: Array("another key, just as long as the first".utf8)).open(sealed, userID: 7) }
        #expect(key.id != DataKey.development.id && key.id.count == 16)
    }

    @Test func theQRCodeIsAnSVGOfDarkModules() throws {
        let svg = try #require(QRCode.svg("otpauth://totp/FocusQuest:ada?secret=JBSWY3DPEHPK3PXP&issuer=FocusQuest"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "))
        #expect(svg.contains("<path fill=\"#000\" d=\"M4 4h7v1h-7z"), "a finder pattern's top edge starts inside the quiet zone")
    }

    // MARK: - Through the API

    struct Enrolled {
        let access: String
        let totp: TOTP
        let recoveryCodes: [String]
    }

    /// Signs `name` up and turns 2FA on; the clock then moves to the next step.
    static func enrolled(_ name: String, _ client: any TestClientProtocol, _ app: TestApp) async throws -> Enrolled {
        let user = try await client.apiSignup(name)
        let started = try await client.api(.post, "/api/v1/me/2fa", token: user.access)
        #expect(started.status == .created, "\(started.text)")
        let body = try started.json()
        let encoded = try #require(body["secret"] as? String)
        let secret = try #require(Base32.decode(encoded))
        let uri = try #require(body["otpauth_uri"] as? String)
        #expect(uri.hasPrefix("otpauth://totp/FocusQuest%3A\(name)?secret=") && uri.contains("&issuer=FocusQuest"))
        let totp = TOTP(secret: secret)
        let confirmed = try await client.api(.post, "/api/v1/me/2fa/confirm", json: #"{"code":"\#(code(totp, app))"}"#, token: user.access)
        #expect(confirmed.status == .ok, "\(confirmed.text)")
        let codes = try #require(try confirmed.json()["recovery_codes"] as? [String])
        app.clock.advance(by: 30)
        return Enrolled(access: user.access, totp: totp, recoveryCodes: codes)
    }

    static func code(_ totp: TOTP, _ app: TestApp) -> String { totp.code(step: TOTP.step(at: app.clock.now)) }

    static func login(_ client: any TestClientProtocol, _ name: String, password: String = password, otp: String? = nil) async throws -> TestResponse {
        let field = otp.map { #","otp":"\#($0)""# } ?? ""
        return try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"\#(name)","password":"\#(password)"\#(field)}"#)
    }

    @Test func enrolmentConfirmsWithAFirstCodeAndGivesTenRecoveryCodes() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["two_factor"] as? Bool == false)
            let early = try await client.api(.post, "/api/v1/me/2fa/confirm", json: #"{"code":"123456"}"#, token: ada.access)
            #expect(early.status == .conflict && early.errorCode == "2fa_not_started")
            let started = try await client.api(.post, "/api/v1/me/2fa", token: ada.access).json()
            let secret = try #require(started["secret"] as? String)
            let totp = TOTP(secret: try #require(Base32.decode(secret)))
            let wrong = try await client.api(.post, "/api/v1/me/2fa/confirm", json: #"{"code":"000000"}"#, token: ada.access)
            #expect(wrong.status == .unprocessableContent && wrong.errorFields?["code"] != nil)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["two_factor"] as? Bool == false, "pending is not on")
            let confirmed = try await client.api(.post, "/api/v1/me/2fa/confirm", json: #"{"code":"\#(Self.code(totp, app))"}"#, token: ada.access)
            #expect(confirmed.status == .ok)
            let codes = try #require(try confirmed.json()["recovery_codes"] as? [String])
            #expect(codes.count == 10 && Set(codes).count == 10 && codes.allSatisfy { $0.count >= 10 })
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["two_factor"] as? Bool == true)
            let again = try await client.api(.post, "/api/v1/me/2fa", token: ada.access)
            #expect(again.status == .conflict && again.errorCode == "2fa_already_enabled")
            let stored = try #require(try await app.services.database.twoFactorSecret(userID: 1))
            #expect(!stored.sealed.isEmpty && stored.sealed != totp.secret, "the secret is sealed at rest")
            #expect(try await app.integer("SELECT COUNT(*) FROM recovery_codes") == 10)
            for code in codes {
                #expect(try await app.integer("SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE '%\(code)%'") == 0, "recovery codes are stored hashed")
            }
        }
    }

    @Test func signingInAsksForTheCodeAfterTheRightPassword() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await Self.enrolled("ada", client, app)
            let missing = try await Self.login(client, "ada")
            #expect(missing.status == .unauthorized && missing.errorCode == "otp_required")
            let wrongPassword = try await Self.login(client, "ada", password: "not the password", otp: Self.code(ada.totp, app))
            #expect(wrongPassword.status == .unauthorized && wrongPassword.errorCode == "invalid_credentials", "the password is checked first")
            let wrongCode = try await Self.login(client, "ada", otp: "000000")
            #expect(wrongCode.status == .unauthorized && wrongCode.errorCode == "invalid_otp")
            let code = Self.code(ada.totp, app)
            #expect(try await Self.login(client, "ada", otp: code).status == .ok)
            let replay = try await Self.login(client, "ada", otp: code)
            #expect(replay.status == .unauthorized && replay.errorCode == "invalid_otp", "a code counts once")
            app.clock.advance(by: 30)
            #expect(try await Self.login(client, "ada", otp: Self.code(ada.totp, app)).status == .ok, "the next step's code works")
            let recovery = ada.recoveryCodes[0]
            #expect(try await Self.login(client, "ada", otp: recovery.uppercased()).status == .ok, "a recovery code, in any case")
            let reused = try await Self.login(client, "ada", otp: recovery)
            #expect(reused.status == .unauthorized && reused.errorCode == "invalid_otp", "a recovery code counts once")
            let log = try await app.services.database.securityLog(userID: 1).map(\.event)
            #expect(log.prefix(5) == ["login_failed", "login_succeeded", "recovery_code_used", "login_succeeded", "login_failed"])
            #expect(log.contains("2fa_enabled"))
        }
    }

    @Test func fiveWrongCodesWithinFifteenMinutesLockTheCodeStep() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await Self.enrolled("ada", client, app)
            for _ in 0..<5 { #expect(try await Self.login(client, "ada", otp: "000000").errorCode == "invalid_otp") }
            let locked = try await Self.login(client, "ada", otp: Self.code(ada.totp, app))
            #expect(locked.status == .tooManyRequests && Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0, "right or wrong, the next attempt waits")
            let disable = try await client.api(.delete, "/api/v1/me/2fa", json: #"{"password":"\#(Self.password)","code":"\#(ada.recoveryCodes[0])"}"#, token: ada.access)
            #expect(disable.status == .tooManyRequests, "turning it off counts toward the same limit")
            #expect(try await Self.login(client, "ada").errorCode == "otp_required", "a password alone is not a code attempt")
            app.clock.advance(by: 15 * 60)
            #expect(try await Self.login(client, "ada", otp: Self.code(ada.totp, app)).status == .ok)
            #expect(try await client.apiSignup("bob").access.isEmpty == false)
            #expect(try await Self.login(client, "bob").status == .ok, "the limit is per user")
        }
    }

    @Test func turningItOffNeedsThePasswordThenACode() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await Self.enrolled("ada", client, app)
            func disable(_ password: String, _ code: String) async throws -> TestResponse {
                try await client.api(.delete, "/api/v1/me/2fa", json: #"{"password":"\#(password)","code":"\#(code)"}"#, token: ada.access)
            }
            let wrongPassword = try await disable("not the password", Self.code(ada.totp, app))
            #expect(wrongPassword.status == .forbidden && wrongPassword.errorCode == "wrong_password")
            let wrongCode = try await disable(Self.password, "000000")
            #expect(wrongCode.status == .unprocessableContent && wrongCode.errorFields?["code"] != nil)
            #expect(try await client.api(.delete, "/api/v1/me/2fa", json: #"{"password":"x"}"#, token: ada.access).status == .unprocessableContent)
            #expect(try await disable(Self.password, ada.recoveryCodes[1]).status == .noContent, "a lost phone: a recovery code will do")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["two_factor"] as? Bool == false)
            #expect(try await Self.login(client, "ada").status == .ok)
            let off = try await disable(Self.password, ada.recoveryCodes[2])
            #expect(off.status == .conflict && off.errorCode == "2fa_not_enabled")
            let log = try await app.services.database.securityLog(userID: 1).map(\.event)
            #expect(log.contains("2fa_disabled") && log.contains("recovery_code_used"))
            #expect(try await app.services.database.twoFactorSecret(userID: 1) == nil)
            #expect(try await app.services.database.recoveryCodesLeft(userID: 1) == 0)
        }
    }

    @Test func anAdminCanResetSomeonesTwoFactor() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            _ = try await Self.enrolled("ada", client, app)
            let root = try await client.apiLogin("root")
            let reset = try await client.api(.patch, "/api/v1/admin/users/2", json: #"{"reset_2fa":true}"#, token: root)
            let resetTwoFactor = try reset.json()["two_factor"] as? Bool
            #expect(reset.status == .ok && resetTwoFactor == false)
            #expect(try await Self.login(client, "ada").status == .ok, "the password alone signs in again")
            let entry = try #require(try await app.services.database.securityLog(userID: 2).first { $0.event == "admin_changed_account" })
            #expect(entry.detail == "two-factor sign-in reset by root")
        }
    }

    @Test(.sqliteOnly) func productionWithoutADataKeyRefusesEnrolmentAndStartsOnlyWithTheRightKey() async throws {
        let folder = TemporaryFolders.new("fq-test")
        let production: (inout AppConfig) -> Void = { config in
            config.environment = .production
            config.dataKey = nil
        }
        let unkeyed = try await TestApp.make(production, folder: folder)
        try await unkeyed.test { client in
            let ada = try await client.apiSignup("ada")
            let refused = try await client.api(.post, "/api/v1/me/2fa", token: ada.access)
            #expect(refused.status == .serviceUnavailable && refused.errorCode == "2fa_unavailable")
        }
        try unkeyed.sqlite.close()
        let first = DataKey(secret: Array("the first production data key, 32+ bytes".utf8))
        let keyed = try await TestApp.make({ $0.dataKey = first }, folder: folder)
        try await keyed.test { client in
            let access = try await client.apiLogin("ada")
            #expect(try await client.api(.post, "/api/v1/me/2fa", token: access).status == .created)
        }
        try keyed.sqlite.close()
        await #expect(throws: AppConfig.ConfigError.self, "a stored secret and no key") { _ = try await TestApp.make(production, folder: folder) }
        let second = DataKey(secret: Array("the second production data key, also long".utf8))
        await #expect(throws: AppConfig.ConfigError.self, "a stored secret and another key") { _ = try await TestApp.make({ $0.dataKey = second }, folder: folder) }
        let database = try AppDatabase(path: folder.appendingPathComponent("focusquest.sqlite").path)
        #expect(try await database.resealTwoFactorSecrets(from: first, to: second) == 1)
        try database.close()
        _ = try await TestApp.make({ $0.dataKey = second }, folder: folder)
    }
}
