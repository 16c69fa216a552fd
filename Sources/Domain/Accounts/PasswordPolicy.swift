/// What a password must be: 8–256 characters, not the username, not a common password.
public enum PasswordPolicy {
    public static func validate(_ password: String, username: String, field: String = "password") throws(FieldErrors) {
        guard (8...256).contains(password.length) else {
            throw FieldErrors([field: "must be 8 to 256 characters"])
        }
        guard password.lowercased() != username.lowercased() else {
            throw FieldErrors([field: "must not be the same as the username"])
        }
        guard !CommonPasswords.list.contains(password.lowercased()) else {
            throw FieldErrors([field: "is too common; choose another"])
        }
    }
}

/// Frequently used passwords (from public breach top lists) that are at least 8 long.
enum CommonPasswords {
    static let list: Set<String> = [
        "password", "password1", "password12", "password123", "password1234", "12345678", "123456789",
        "1234567890", "12341234", "11111111", "00000000", "87654321", "88888888", "qwertyuiop", "qwerty123",
        "qwerty12", "1q2w3e4r", "1qaz2wsx", "zaq12wsx", "iloveyou", "iloveyou1", "sunshine", "princess",
        "football", "baseball", "welcome1", "welcome123", "abc12345", "abcd1234", "admin123", "administrator",
        "letmein1", "trustno1", "superman", "starwars", "whatever", "computer", "michelle", "jennifer",
        "corvette", "mercedes", "passw0rd", "p@ssw0rd", "p@ssword", "changeme", "changeme1", "secret123",
        "master123", "dragon123", "monkey123", "qwertyui", "asdfghjk", "asdfasdf", "zxcvbnm1", "123qweasd",
        "q1w2e3r4", "q1w2e3r4t5", "1q2w3e4r5t", "aa123456", "a1234567", "123123123", "999999999", "11223344",
        "focusquest", "pomodoro", "homework", "internet", "samsung1", "chocolate", "liverpool", "blink182",
    ]
}
