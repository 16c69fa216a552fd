import Crypto
import Foundation

/// Random tokens from the system's cryptographic generator, base64url without padding.
enum SecureRandom {
    static func token(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return base64URL(bytes.prefix(count))
    }

    /// Base64url without padding, encoded directly (Foundation's encoder plus three
    /// replacements cost ~1 % of a dashboard, which encodes its "load more" cursor).
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        let length = input.count / 3 * 4 + [0, 2, 3][input.count % 3]
        return String(unsafeUninitializedCapacity: length) { out in
            var at = 0
            func put(_ sextet: UInt32) {
                out[at] = alphabet[Int(sextet & 0x3F)]
                at += 1
            }
            var index = 0
            while index + 3 <= input.count {
                let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                put(group >> 18); put(group >> 12); put(group >> 6); put(group)
                index += 3
            }
            switch input.count - index {
            case 1:
                let group = UInt32(input[index]) << 16
                put(group >> 18); put(group >> 12)
            case 2:
                let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                put(group >> 18); put(group >> 12); put(group >> 6)
            default: break
            }
            return at
        }
    }

    /// The bytes of base64url text (padding optional), or nil when it is not base64url.
    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = decoding[Int(byte)] else { return nil }
            sextets.append(value)
        }
        guard sextets.count % 4 != 1, padding == 0 || (sextets.count + padding) % 4 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index < sextets.count {
            let chunk = sextets[index..<min(index + 4, sextets.count)]
            var group: UInt32 = 0
            for (offset, sextet) in chunk.enumerated() { group |= UInt32(sextet) << UInt32(18 - 6 * offset) }
            bytes.append(UInt8(group >> 16))
            if chunk.count > 2 { bytes.append(UInt8(group >> 8 & 0xFF)) }
            if chunk.count > 3 { bytes.append(UInt8(group & 0xFF)) }
            index += 4
        }
        // The unused low bits of the last sextet must be zero (one spelling per value).
        if let last = sextets.last, sextets.count % 4 == 2 ? last & 0x0F != 0 : sextets.count % 4 == 3 && last & 0x03 != 0 { return nil }
        return bytes
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let decoding: [UInt8?] = (0..<256).map { byte in alphabet.firstIndex(of: UInt8(byte)).map(UInt8.init) }

    /// SHA-256 of a token, hex, for storing refresh tokens without the token itself.
    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two strings in time independent of where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
