import Foundation
import Domain
import Testing

@Suite struct AccountRuleTests {
    @Test(arguments: ["abc", "Ada_Lovelace.1-2", String(repeating: "x", count: 32)])
    func validUsernames(_ raw: String) throws {
        #expect(try Username(raw).value == raw)
    }

    @Test(arguments: ["ab", String(repeating: "x", count: 33), "with space", "émile", "a/b", "<script>", "", "  padded  "])
    func invalidUsernames(_ raw: String) {
        #expect(throws: FieldErrors.self) { try Username(raw) }
    }

    @Test func passwordRules() throws {
        try PasswordPolicy.validate("correct horse battery", username: "ada")
        #expect(throws: FieldErrors(["password": "must be 8 to 256 characters"])) { try PasswordPolicy.validate("short", username: "ada") }
        #expect(throws: FieldErrors(["password": "must be 8 to 256 characters"])) {
            try PasswordPolicy.validate(String(repeating: "a", count: 257), username: "ada")
        }
        #expect(throws: FieldErrors(["password": "must not be the same as the username"])) {
            try PasswordPolicy.validate("AdaLovelace", username: "adalovelace")
        }
        #expect(throws: FieldErrors(["password": "is too common; choose another"])) { try PasswordPolicy.validate("Password123", username: "ada") }
        try PasswordPolicy.validate(String(repeating: "a", count: 256), username: "ada")
    }

    @Test func timeZones() throws {
        #expect(try TimeZoneName("Europe/Berlin").identifier == "Europe/Berlin")
        #expect(try TimeZoneName("Asia/Kolkata").identifier == "Asia/Kolkata")
        #expect(try TimeZoneName("UTC").identifier == "UTC")
        #expect(throws: FieldErrors.self) { try TimeZoneName("Mars/Olympus") }
        #expect(throws: FieldErrors.self) { try TimeZoneName("") }
        #expect(throws: FieldErrors.self) { try TimeZoneName(" UTC") }
        #expect(TimeZoneName.known.count > 300)
        #expect(TimeZoneName.known.allSatisfy { TimeZone(identifier: $0) != nil })
    }

    @Test func timerSettings() throws {
        try TimerSettings.standard.validate()
        var settings = TimerSettings.standard
        settings.focusMinutes = 0
        settings.longBreakEvery = 13
        #expect(throws: FieldErrors(["focus_minutes": "must be 1 to 180 minutes", "long_break_every": "must be 1 to 12"])) { try settings.validate() }
    }
}
