import Domain
import Foundation
import JWTKit
import Synchronization

/// The access token's claims: subject (user id), issued-at, expiry, the user's token
/// version at issue time and the sign-in session. A bumped version invalidates every
/// earlier token; an ended session, every token of that session.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var ver: Int
    var sid: Int64

    var userID: Int64? { Int64(sub.value) }

    /// The signature is jwt-kit's to check; expiry is checked in ``TokenService/verify(_:)``
    /// against the server's clock (the test clock of SPEC §9 moves it), not the machine's.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Signs and verifies access tokens (HS256 with the configured secret only) and makes
/// refresh tokens (256 random bits; only their SHA-256 is stored).
struct TokenService: Sendable {
    let keys: JWTKeyCollection
    private let verified = VerifiedTokens(capacity: 10_000)
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

    func accessToken(for user: UserRecord, session: Int64) async throws -> String {
        let now = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            sub: SubjectClaim(value: String(user.userID)), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(accessLifetime)), ver: user.tokenVersion, sid: session)
        return try await keys.sign(claims)
    }

    /// The claims of a valid token, or nil for anything tampered, expired, or not HS256.
    /// A token whose signature checked out once is remembered (see ``VerifiedTokens``);
    /// its expiry is checked on every use.
    func verify(_ token: String) async -> AccessClaims? {
        let claims: AccessClaims
        if let known = verified[token] {
            claims = known
        } else {
            guard let checked = try? await keys.verify(token, as: AccessClaims.self) else { return nil }
            claims = checked
            verified[token] = checked
        }
        guard claims.exp.value > clock.now else { return nil }
        return claims
    }

    /// A new refresh token: the value for the client and the hash to store.
    func newRefreshToken() -> (token: String, hash: String) {
        let token = SecureRandom.token(bytes: 32)
        return (token, SecureRandom.sha256Hex(token))
    }
}

/// Tokens whose signature has been verified, with their claims. Every request carries
/// its token, and jwt-kit's verification (key lookup in an actor, JSON decoding, HMAC)
/// was a visible part of each request. Only tokens that verified with our key get in,
/// so a hit is as good as a check; the version and account state are still read from
/// the database each time. When full, it starts over (tokens live for minutes).
final class VerifiedTokens: Sendable {
    private let capacity: Int
    private let entries = Mutex<[String: AccessClaims]>([:])

    init(capacity: Int) { self.capacity = capacity }

    subscript(token: String) -> AccessClaims? {
        get { entries.withLock { $0[token] } }
        set {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[token] = newValue
            }
        }
    }
}
