import Domain
import Foundation
import JWTKit

/// The access token's claims: subject (user id), issued-at, expiry and the user's token
/// version at issue time. A bumped version invalidates every earlier token.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var ver: Int

    var userID: Int64? { Int64(sub.value) }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Signs and verifies access tokens (HS256 with the configured secret only) and makes
/// refresh tokens (256 random bits; only their SHA-256 is stored).
struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let accessLifetime: TimeInterval
    let refreshLifetime: TimeInterval
    let clock: any WallClock

    init(secret: [UInt8], accessLifetime: TimeInterval, refreshLifetime: TimeInterval, clock: any WallClock) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.accessLifetime = accessLifetime
        self.refreshLifetime = refreshLifetime
        self.clock = clock
    }

    func accessToken(for user: UserRecord) async throws -> String {
        let now = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            sub: SubjectClaim(value: String(user.userID)), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(accessLifetime)), ver: user.tokenVersion)
        return try await keys.sign(claims)
    }

    /// The claims of a valid token, or nil for anything tampered, expired, or not HS256.
    func verify(_ token: String) async -> AccessClaims? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self) else { return nil }
        guard claims.exp.value > clock.now else { return nil }
        return claims
    }

    /// A new refresh token: the value for the client and the hash to store.
    func newRefreshToken() -> (token: String, hash: String) {
        let token = SecureRandom.token(bytes: 32)
        return (token, SecureRandom.sha256Hex(token))
    }
}
