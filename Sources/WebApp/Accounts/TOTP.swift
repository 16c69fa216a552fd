import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second
/// steps, 6 digits, the step before and after now accepted for clock drift.
struct TOTP: Sendable {
    static let period: TimeInterval = 30
    /// Steps either side of now that still count.
    static let drift: Int64 = 1

    let secret: [UInt8]
    var digits = 6

    /// The step (counter) at a moment: whole periods since 1970.
    static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code of a step, zero-padded to `digits`.
    func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step a code belongs to when it is one of now's (±``drift``) and later than
    /// `lastUsed` (a code is accepted once: an earlier or the same step is a replay).
    func matchingStep(_ code: String, at now: Date, after lastUsed: Int64) -> Int64? {
        let current = Self.step(at: now)
        return (current - Self.drift...current + Self.drift).first { step in
            step > lastUsed && SecureRandom.constantTimeEqual(self.code(step: step), code)
        }
    }

    /// A code as a person types it: spaces dropped; nil unless it is `digits` digits.
    static func normalized(_ typed: String, digits: Int = 6) -> String? {
        let code = typed.filter { !$0.isWhitespace }
        return code.utf8.count == digits && code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) ? code : nil
    }
}

/// RFC 4648 base32 without padding: how authenticator apps take a TOTP secret.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Upper or lower case, spaces and padding ignored; nil for any other character.
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
