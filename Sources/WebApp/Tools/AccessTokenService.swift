import Domain
import Foundation

/// Personal access tokens (SPEC §11): `fqp_` and 43 base64url characters (256 random
/// bits), shown once, kept as a SHA-256 hash, at most 20 per user. A token works until
/// it expires or is deleted, or while its account is disabled; password changes and
/// "sign out everywhere" leave it alone (settings list and revoke tokens one by one).
struct AccessTokenService: Sendable {
    let database: any AccessTokenStorage
    let clock: any WallClock

    static let prefix = "fqp_"
    static let maxNameLength = 64
    static let expiryDays = 1...365
    /// `last_used_at` is written at most this often per token.
    static let useInterval: TimeInterval = 60

    static let tooMany = AppError(.conflict, "too_many_tokens", "You already have \(AccessTokenRecord.maxPerUser) tokens; delete one first.")
    static let notFound = AppError(.notFound, "token_not_found", "There is no such token.")

    /// A new token and its secret (the only time the secret exists outside the caller).
    func create(for user: UserRecord, name rawName: String?, scopes names: [String]?, expiresInDays: Int?, ip: String) async throws -> (AccessTokenRecord, secret: String) {
        var errors = FieldErrors()
        let name = rawName?.trimmingWhitespace ?? ""
        if name.isEmpty || name.length > Self.maxNameLength { errors["name"] = "must be 1 to \(Self.maxNameLength) characters, not all white space" }
        var scopes: [AccessScope] = []
        do {
            scopes = try AccessScope.parse(names ?? [])
        } catch {
            errors = errors.merging(FieldErrors(error.fields ?? [:]))
        }
        if let expiresInDays, !Self.expiryDays.contains(expiresInDays) { errors["expires_in_days"] = "must be 1 to 365 (leave it out for a token that does not expire)" }
        guard errors.isEmpty else { throw AppError.validation(errors) }
        let secret = Self.prefix + SecureRandom.token(bytes: 32)
        let now = clock.now
        do {
            let record = try await database.createAccessToken(
                userID: user.userID, name: name, scopes: scopes, tokenHash: SecureRandom.sha256Hex(secret),
                expiresAt: expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) }, logging: SecurityEvent(.tokenCreated, ip: ip, detail: name), now: now)
            return (record, secret)
        } catch AccessTokenConflict.tooMany {
            throw Self.tooMany
        }
    }

    func list(for user: UserRecord) async throws -> [AccessTokenRecord] {
        try await database.accessTokens(userID: user.userID)
    }

    func revoke(_ id: Int64, for user: UserRecord, ip: String) async throws {
        guard try await database.deleteAccessToken(userID: user.userID, id: id, ip: ip, now: clock.now) else { throw Self.notFound }
    }

    /// When the token `secret` expires (nil: never, or no such token).
    func expiry(of secret: String) async throws -> Date? {
        try await database.accessToken(hash: SecureRandom.sha256Hex(secret))?.0.expiresAt
    }

    /// The user and scopes behind a token; nil when it is unknown, expired, or its account
    /// is disabled.
    func authenticate(_ secret: String) async throws -> (user: UserRecord, scopes: [AccessScope])? {
        guard secret.hasPrefix(Self.prefix), let (token, user) = try await database.accessToken(hash: SecureRandom.sha256Hex(secret)), !user.disabled else {
            return nil
        }
        let now = clock.now
        if let expires = token.expiresAt, expires <= now { return nil }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.useInterval }) ?? true {
            try await database.touchAccessToken(id: token.id, now: now, interval: Self.useInterval)
        }
        return (user, token.scopes)
    }
}
