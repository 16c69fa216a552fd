import Foundation
import JWTKit

/// The proof that a sign-in's password step succeeded, carried by the browser's second
/// step (SPEC §13): signed like access tokens but of another shape (no session, a
/// `step` claim), so neither passes for the other; valid for five minutes.
struct SignInProofClaims: JWTPayload {
    static let lifetime: TimeInterval = 5 * 60
    static let stepName = "second_factor"

    var sub: SubjectClaim
    var exp: ExpirationClaim
    var ver: Int
    var step: String

    /// Expiry is checked against the server's clock in ``TokenService/checkSignInProof(_:)``.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// What a presented proof turned out to be.
enum SignInProofCheck: Equatable {
    case valid(userID: Int64, tokenVersion: Int)
    /// Signed by us but older than five minutes: it names whose sign-in went stale.
    case expired(userID: Int64)
    case invalid
}

extension TokenService {
    func signInProof(for user: UserRecord) async throws -> String {
        try await keys.sign(SignInProofClaims(
            sub: SubjectClaim(value: String(user.userID)), exp: ExpirationClaim(value: clock.now.addingTimeInterval(SignInProofClaims.lifetime)),
            ver: user.tokenVersion, step: SignInProofClaims.stepName))
    }

    func checkSignInProof(_ proof: String) async -> SignInProofCheck {
        guard let claims = try? await keys.verify(proof, as: SignInProofClaims.self), claims.step == SignInProofClaims.stepName,
            let userID = Int64(claims.sub.value)
        else { return .invalid }
        return claims.exp.value > clock.now ? .valid(userID: userID, tokenVersion: claims.ver) : .expired(userID: userID)
    }
}
