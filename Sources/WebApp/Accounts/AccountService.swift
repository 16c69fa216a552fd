import Domain
import Foundation

/// What a successful sign-in hands out to API clients.
struct TokenPair: Sendable {
    let accessToken: String
    let refreshToken: String
    let user: UserRecord
}

/// The account rules of SPEC §4 and §13 over storage, hashing and tokens: sign up, log in
/// (rate limited, constant-time for unknown users, re-hashing outdated hashes, the second
/// factor), sessions and their tokens, refresh rotation, password change and signing out
/// everywhere.
struct AccountService: Sendable {
    private let database: any AccountStorage & ProfileStorage & RateLimitStorage
    let hasher: PasswordHasher
    let tokens: TokenService
    let clock: any WallClock
    let requestsPerIP: any RateLimitCounter
    let failuresPerUsername: any RateLimitCounter
    let twoFactor: TwoFactorService
    /// A day's focus goal: changing the day rules walks the streak again.
    let qualifySeconds: Double

    init(database: any AccountStorage & ProfileStorage & RateLimitStorage, hasher: PasswordHasher, tokens: TokenService, twoFactor: TwoFactorService, clock: any WallClock, config: AppConfig) {
        self.database = database
        self.twoFactor = twoFactor
        self.hasher = hasher
        self.tokens = tokens
        self.clock = clock
        requestsPerIP = database.rateLimitCounter(scope: "auth_requests_per_ip", limit: config.authRequestsPerIP, window: 60)
        failuresPerUsername = database.rateLimitCounter(
            scope: "auth_failures_per_username", limit: config.authFailuresPerUsername, window: config.authFailureWindow)
        qualifySeconds = Double(config.qualifyMinutes * 60)
    }

    /// Counts a login or signup request against the client's address.
    func admit(ip: String) async throws {
        if let wait = try await requestsPerIP.record(ip, now: clock.now) { throw AppError.rateLimited(retryAfter: wait) }
    }

    func signup(username rawUsername: String, password: String, timezone rawTimezone: String?) async throws -> UserRecord {
        var errors = FieldErrors()
        var username: Username?
        do { username = try Username(rawUsername) } catch { errors = errors.merging(error) }
        do { try PasswordPolicy.validate(password, username: rawUsername.trimmingWhitespace) } catch { errors = errors.merging(error) }
        var timezone = TimeZoneName.utc
        if let rawTimezone {
            do { timezone = try TimeZoneName(rawTimezone) } catch { errors = errors.merging(error) }
        }
        guard errors.isEmpty, let username else { throw AppError.validation(errors) }
        if try await database.user(named: username.value) != nil { throw AppError.usernameTaken }
        let hash = try await hashing { try await hasher.hash(password) }
        do {
            return try await database.createUser(UserRecord(username: username.value, passwordHash: hash, timezone: timezone.identifier, createdAt: clock.now))
        } catch AccountConflict.usernameTaken {
            throw AppError.usernameTaken
        }
    }

    /// Checks a username and password. While a username has too many recent failures even
    /// the right password gets 429; a disabled account with the right password gets 403.
    /// A wrong password for an existing account goes in its security log with `ip`; the
    /// sign-in itself is logged by ``login(username:password:otp:ip:)`` or, with 2FA, by
    /// the second step.
    func checkPassword(username: String, password: String, ip: String) async throws -> UserRecord {
        let key = username.trimmingWhitespace.lowercased()
        if let wait = try await failuresPerUsername.retryAfter(key, now: clock.now) { throw AppError.rateLimited(retryAfter: wait) }
        let user = try await database.user(named: username.trimmingWhitespace)
        let verification = try await hashing { try await hasher.verify(password, against: user?.passwordHash) }
        guard case .match(let needsRehash) = verification, let user else {
            try await failuresPerUsername.record(key, now: clock.now)
            if let user { try await database.recordSecurityEvent(userID: user.userID, SecurityEvent(.loginFailed, ip: ip, detail: "wrong password"), at: clock.now) }
            throw AppError.invalidCredentials
        }
        if user.disabled {
            try await database.recordSecurityEvent(userID: user.userID, SecurityEvent(.loginFailed, ip: ip, detail: "account disabled"), at: clock.now)
            throw AppError.accountDisabled
        }
        try await failuresPerUsername.reset(key)
        if needsRehash {
            let fresh = try await hashing { try await hasher.hash(password) }
            try await database.updatePasswordHash(userID: user.userID, hash: fresh)
        }
        return user
    }

    /// A whole sign-in: the password, then — when the account has 2FA — `otp`, a code or
    /// a recovery code (missing → 401 `otp_required`, wrong → 401 `invalid_otp`).
    func login(username: String, password: String, otp: String?, ip: String) async throws -> UserRecord {
        let user = try await checkPassword(username: username, password: password, ip: ip)
        guard user.twoFactor else {
            try await recordSignIn(user, ip: ip)
            return user
        }
        guard let otp else { throw AppError.otpRequired }
        try await twoFactor.completeSignIn(user, code: otp, ip: ip)
        return user
    }

    /// Logs a sign-in that needed no second step.
    func recordSignIn(_ user: UserRecord, ip: String) async throws {
        try await database.recordSecurityEvent(userID: user.userID, SecurityEvent(.loginSucceeded, ip: ip), at: clock.now)
    }

    /// The user whose password step `proof` vouches for, while it is fresh and still
    /// matches the account (enabled, 2FA on, no password change since). A stale proof is
    /// 401 `sign_in_expired` and counts toward that user's code limit.
    func userAtSecondStep(proof: String) async throws -> UserRecord {
        switch await tokens.checkSignInProof(proof) {
        case .valid(let userID, let version):
            guard let user = try await database.user(id: userID), !user.disabled, user.twoFactor, user.tokenVersion == version else {
                throw AppError.staleSignIn
            }
            return user
        case .expired(let userID):
            try await twoFactor.countFailure(userID: userID)
            throw AppError.staleSignIn
        case .invalid:
            throw AppError.staleSignIn
        }
    }

    /// A new API session: an access token and the first refresh token of its family.
    func issueTokens(for user: UserRecord, origin: SignInOrigin) async throws -> TokenPair {
        let refresh = tokens.newRefreshToken()
        let now = clock.now
        let session = try await database.startSession(
            userID: user.userID, origin: origin, refresh: (refresh.hash, now.addingTimeInterval(tokens.refreshLifetime)), now: now)
        return TokenPair(accessToken: try await tokens.accessToken(for: user, session: session), refreshToken: refresh.token, user: user)
    }

    /// A new browser session: the access token for its cookie.
    func startBrowserSession(for user: UserRecord, origin: SignInOrigin) async throws -> String {
        let session = try await database.startSession(userID: user.userID, origin: origin, refresh: nil, now: clock.now)
        return try await tokens.accessToken(for: user, session: session)
    }

    func refresh(_ presented: String) async throws -> TokenPair {
        let successor = tokens.newRefreshToken()
        let now = clock.now
        let outcome = try await database.rotateRefreshToken(
            presentedHash: SecureRandom.sha256Hex(presented), successorHash: successor.hash, now: now,
            expires: now.addingTimeInterval(tokens.refreshLifetime))
        guard case .rotated(let user, let session) = outcome else { throw AppError.invalidRefreshToken }
        return TokenPair(accessToken: try await tokens.accessToken(for: user, session: session), refreshToken: successor.token, user: user)
    }

    /// Ends the session of the presented refresh token, or else the caller's own
    /// (`session`); with `everywhere`, every session of its owner (or of the Bearer user).
    func logout(refreshToken: String?, everywhere: Bool, user: UserRecord?, session: Int64?) async throws {
        var owner = user?.userID
        if let refreshToken {
            let tokenOwner = try await database.endSession(refreshTokenHash: SecureRandom.sha256Hex(refreshToken), userID: user?.userID, now: clock.now)
            owner = owner ?? tokenOwner
        } else if let session, let owner {
            _ = try await database.endSession(session, userID: owner, logging: nil, at: clock.now)
        }
        if everywhere, let owner {
            try await database.endAllSessions(userID: owner, at: clock.now)
        }
    }

    /// The user's sessions, most recently seen first.
    func sessions(of user: UserRecord) async throws -> [SignInSessionRecord] {
        try await database.signInSessions(userID: user.userID)
    }

    /// Ends one of the user's sessions (logged as `session_revoked`); 404 for an id that is
    /// not one of theirs. Its cookie, access and refresh tokens fail at their next request.
    func revokeSession(_ id: Int64, of user: UserRecord, ip: String) async throws {
        guard try await database.endSession(id, userID: user.userID, logging: SecurityEvent(.sessionRevoked, ip: ip), at: clock.now) else {
            throw AppError.sessionNotFound
        }
    }

    func changePassword(user: UserRecord, current: String, new: String, ip: String) async throws {
        do {
            try PasswordPolicy.validate(new, username: user.username, field: "new_password")
        } catch {
            throw AppError.validation(error)
        }
        let verification = try await hashing { try await hasher.verify(current, against: user.passwordHash) }
        guard case .match = verification else { throw AppError.wrongPassword }
        let hash = try await hashing { try await hasher.hash(new) }
        try await database.endAllSessions(userID: user.userID, newPasswordHash: hash, logging: SecurityEvent(.passwordChanged, ip: ip), at: clock.now)
    }

    /// The user as stored now, or nil when the account is gone.
    func user(id: Int64) async throws -> UserRecord? {
        try await database.user(id: id)
    }

    func signOutEverywhere(user: UserRecord) async throws {
        try await database.endAllSessions(userID: user.userID, at: clock.now)
    }

    /// Applies a partial profile change after validating every given field; `known`
    /// holds problems the caller already found (a field that is not a number), so one
    /// answer names them all.
    func updateProfile(user: UserRecord, timezone rawTimezone: String?, settings: SettingsChange, known: FieldErrors = FieldErrors()) async throws -> UserRecord {
        var errors = known
        var timezone = user.timezone
        if let rawTimezone {
            do { timezone = try TimeZoneName(rawTimezone).identifier } catch { errors = errors.merging(error) }
        }
        let merged = settings.applied(to: user.timerSettings)
        do { try merged.validate() } catch { errors = errors.merging(error) }
        var dayRules = user.dayRules
        if let hour = settings.dayStartsAt {
            do { try DayRules.validateDayStart(hour) } catch { errors = errors.merging(error) }
            dayRules.dayStartsAt = hour
        }
        if let names = settings.restDays {
            do { dayRules.restDays = try RestDays(names: names) } catch { errors = errors.merging(error) }
        }
        guard errors.isEmpty else { throw AppError.validation(errors) }
        guard let updated = try await database.updateProfile(
            userID: user.userID, timezone: timezone, settings: merged, dayRules: dayRules, qualifySeconds: qualifySeconds, now: clock.now)
        else {
            throw AppError.notAuthenticated
        }
        return updated
    }

    /// The user behind a valid access token, if the user exists, is enabled, the token's
    /// version is current and its session has not ended. One query.
    /// The session's "last seen" (and by trigger the user's "last active") is written at
    /// most once per five minutes, so a busy session costs one extra write every few
    /// minutes, not one per request.
    func authenticate(accessToken: String) async throws -> (UserRecord, AccessClaims)? {
        guard let claims = await tokens.verify(accessToken), let id = claims.userID,
            let (user, lastSeen) = try await database.user(id: id, session: claims.sid)
        else { return nil }
        return try await admitted(user, claims: claims, lastSeen: lastSeen).map { ($0, claims) }
    }

    /// For pages: the user behind a session cookie and the friend requests waiting for
    /// them (for the navigation), still one query.
    func authenticatePage(accessToken: String) async throws -> (user: UserRecord, claims: AccessClaims, incomingRequests: Int)? {
        guard let claims = await tokens.verify(accessToken), let id = claims.userID,
            let (user, lastSeen, incoming) = try await database.userWithIncomingRequests(id: id, session: claims.sid)
        else { return nil }
        return try await admitted(user, claims: claims, lastSeen: lastSeen).map { ($0, claims, incoming) }
    }

    /// The user behind a valid access token, admitted as by ``authenticate(accessToken:)``,
    /// with the page `read` reads beside them (one read: ``SessionRead``); a refused
    /// user's page is dropped unused.
    func authenticate<Page>(
        accessToken: String, reading read: (_ userID: Int64, _ session: Int64) async throws -> SessionRead<Page>?
    ) async throws -> (user: UserRecord, claims: AccessClaims, incomingRequests: Int, page: Page)? {
        guard let claims = await tokens.verify(accessToken), let id = claims.userID, let found = try await read(id, claims.sid) else { return nil }
        return try await admitted(found.user, claims: claims, lastSeen: found.lastSeen).map { ($0, claims, found.incomingRequests, found.page) }
    }

    /// The user when enabled and the token's version is current, with the session seen.
    private func admitted(_ user: UserRecord, claims: AccessClaims, lastSeen: Date) async throws -> UserRecord? {
        guard !user.disabled, user.tokenVersion == claims.ver else { return nil }
        var user = user
        let now = clock.now
        if now.timeIntervalSince(lastSeen) >= Self.activityInterval {
            try await database.touchSession(claims.sid, now: now, interval: Self.activityInterval)
            user.lastActiveAt = now
        }
        return user
    }

    static let activityInterval: TimeInterval = 5 * 60

    private func hashing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch is PasswordHasher.Overloaded {
            throw AppError.overloaded
        }
    }
}

/// Optional timer setting changes (from `PATCH /me` or the settings form).
struct SettingsChange: Sendable {
    var focusMinutes: Int?
    var shortBreakMinutes: Int?
    var longBreakMinutes: Int?
    var longBreakEvery: Int?
    /// Day rules (SPEC §9): they apply from the user's next local day.
    var dayStartsAt: Int?
    var restDays: [String]?

    func applied(to settings: TimerSettings) -> TimerSettings {
        var result = settings
        if let focusMinutes { result.focusMinutes = focusMinutes }
        if let shortBreakMinutes { result.shortBreakMinutes = shortBreakMinutes }
        if let longBreakMinutes { result.longBreakMinutes = longBreakMinutes }
        if let longBreakEvery { result.longBreakEvery = longBreakEvery }
        return result
    }
}
