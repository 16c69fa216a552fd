import CArgon2
import Foundation

/// argon2id cost parameters (memory in KiB, passes, lanes).
struct Argon2Parameters: Sendable, Equatable {
    var memoryKiB: Int
    var iterations: Int
    var parallelism: Int

    /// OWASP's recommended minimum: m=19 MiB, t=2, p=1.
    static let standard = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)
}

/// argon2id through the reference C library, PHC-encoded (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
/// These calls are CPU-bound for tens of milliseconds: callers run them on ``PasswordHasher``'s pool.
enum Argon2 {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { argon2_error_message(code).flatMap { String(validatingCString: $0) } ?? "argon2 error \(code)" }
    }

    static let saltLength = 16
    static let hashLength = 32

    static func hash(_ password: String, parameters: Argon2Parameters) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let passwordBytes = Array(password.utf8)
        let length = argon2_encodedlen(
            UInt32(parameters.iterations), UInt32(parameters.memoryKiB), UInt32(parameters.parallelism),
            UInt32(saltLength), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let code = argon2id_hash_encoded(
            UInt32(parameters.iterations), UInt32(parameters.memoryKiB), UInt32(parameters.parallelism),
            passwordBytes, passwordBytes.count, salt, salt.count, hashLength, &encoded, length)
        guard code == ARGON2_OK.rawValue else { throw Failure(code: code) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the encoded hash. Malformed hashes never match.
    static func verify(_ password: String, encoded: String) -> Bool {
        let passwordBytes = Array(password.utf8)
        return argon2id_verify(encoded, passwordBytes, passwordBytes.count) == ARGON2_OK.rawValue
    }

    /// The parameters an encoded hash was made with, to tell when it needs re-hashing.
    static func parameters(of encoded: String) -> Argon2Parameters? {
        let parts = encoded.split(separator: "$")
        guard parts.count == 5, parts[0] == "argon2id" else { return nil }
        var values: [Substring: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let number = Int(keyValue[1]) else { return nil }
            values[keyValue[0]] = number
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else { return nil }
        return Argon2Parameters(memoryKiB: m, iterations: t, parallelism: p)
    }
}
