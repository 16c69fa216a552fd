import Crypto
import Foundation

/// The key that seals secrets at rest (TOTP secrets, SPEC §13), derived from the
/// `DATA_KEY` setting with HKDF-SHA-256; AES-GCM binds each sealed secret to its user,
/// so a sealed value copied to another account does not open. `id` names the key
/// (stored beside each sealed value) so a wrong or rotated key is noticed at start-up,
/// not at someone's sign-in.
struct DataKey: Sendable {
    let id: String
    private let key: SymmetricKey

    init(secret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Data("focusquest data key".utf8), info: Data("sealed secrets v1".utf8),
            outputByteCount: 32)
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data($0) + Data("key id".utf8)) }
        id = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Outside production without `DATA_KEY`: a fixed key, so two-factor sign-in can be
    /// tried in development and tests. Production never uses it (``AppConfig``).
    static let development = DataKey(secret: Array("focusquest development data key; never for production".utf8))

    func seal(_ plain: [UInt8], userID: Int64) throws -> [UInt8] {
        Array(try AES.GCM.seal(plain, using: key, authenticating: Self.context(userID)).combined ?? Data())
    }

    func open(_ sealed: [UInt8], userID: Int64) throws -> [UInt8] {
        Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Self.context(userID)))
    }

    private static func context(_ userID: Int64) -> Data { Data("user \(userID)".utf8) }
}
