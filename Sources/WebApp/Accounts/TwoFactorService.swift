import Domain
import Foundation

/// Two-factor sign-in (SPEC §13): enrolment (a pending secret shown as an `otpauth://`
/// URI and a QR code, on after a first right code), the second step of a sign-in, and
/// turning it off with the password and a code. A code is spent once; recovery codes
/// work in place of a code. Five wrong codes within 15 minutes per user, and the next
/// attempt (right or wrong) is refused with 429 — a counter apart from the password's.
struct TwoFactorService: Sendable {
    static let issuer = "FocusQuest"
    static let failureLimit = 5
    static let failureWindow: TimeInterval = 15 * 60

    private let database: any TwoFactorStorage & AccountStorage & RateLimitStorage
    private let hasher: PasswordHasher
    let clock: any WallClock
    /// Nil in production until `DATA_KEY` is set: enrolment then answers 503.
    let dataKey: DataKey?
    private let failures: any RateLimitCounter

    init(database: any TwoFactorStorage & AccountStorage & RateLimitStorage, hasher: PasswordHasher, clock: any WallClock, dataKey: DataKey?) {
        self.database = database
        failures = database.rateLimitCounter(scope: "two_factor_failures", limit: Self.failureLimit, window: Self.failureWindow)
        self.hasher = hasher
        self.clock = clock
        self.dataKey = dataKey
    }

    /// Refuses to start when secrets are stored that the configured key cannot open: no
    /// `DATA_KEY` at all, or another one than sealed them (`rotate-data-key` moves them).
    static func checkSealedSecrets(in database: any TwoFactorStorage, key: DataKey?) async throws {
        let sealed = try await database.twoFactorKeyIDs()
        guard !sealed.isEmpty else { return }
        let accounts = sealed.values.reduce(0, +)
        guard let key else {
            throw AppConfig.ConfigError(description: "\(accounts) account(s) use two-factor sign-in: set DATA_KEY to the key that sealed their secrets")
        }
        let others = sealed.keys.filter { $0 != key.id }.sorted()
        guard others.isEmpty else {
            throw AppConfig.ConfigError(description: """
                two-factor secrets were sealed with another DATA_KEY (id \(others.joined(separator: ", ")); this one is \(key.id)): \
                set that key, or move them with `focusquest rotate-data-key` (OLD_DATA_KEY=old DATA_KEY=new)
                """)
        }
    }

    /// A pending enrolment: the secret in base32 and the URI authenticator apps read.
    struct Enrolment: Sendable {
        let secret: String
        let uri: String

        init(secret: [UInt8], username: String) {
            self.secret = Base32.encode(secret)
            let label = "\(TwoFactorService.issuer):\(username)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? username
            uri = "otpauth://totp/\(label)?secret=\(self.secret)&issuer=\(TwoFactorService.issuer)&algorithm=SHA1&digits=6&period=30"
        }
    }

    /// Starts (or starts over) enrolment with a new 160-bit secret.
    func begin(for user: UserRecord) async throws -> Enrolment {
        guard let dataKey else { throw AppError.twoFactorUnavailable }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let sealed = try dataKey.seal(secret, userID: user.userID)
        guard try await database.beginTwoFactor(userID: user.userID, sealed: sealed, keyID: dataKey.id, now: clock.now) else {
            throw AppError.twoFactorAlreadyEnabled
        }
        return Enrolment(secret: secret, username: user.username)
    }

    /// The enrolment waiting for its first code, if any (the settings page shows it again).
    func pending(for user: UserRecord) async throws -> Enrolment? {
        guard let stored = try await database.twoFactorSecret(userID: user.userID), !stored.enabled else { return nil }
        return Enrolment(secret: try open(stored, userID: user.userID), username: user.username)
    }

    /// Turns 2FA on with a first right code; the ten recovery codes, shown this once.
    func confirm(for user: UserRecord, code: String?, ip: String) async throws -> [String] {
        guard let stored = try await database.twoFactorSecret(userID: user.userID) else { throw AppError.twoFactorNotStarted }
        if stored.enabled { throw AppError.twoFactorAlreadyEnabled }
        try await admitCode(user.userID)
        let totp = TOTP(secret: try open(stored, userID: user.userID))
        let codes = RecoveryCodes.generate()
        guard let typed = code.flatMap({ TOTP.normalized($0) }), let step = totp.matchingStep(typed, at: clock.now, after: stored.lastStep),
            try await database.enableTwoFactor(userID: user.userID, step: step, recoveryHashes: codes.compactMap(RecoveryCodes.normalized).map(RecoveryCodes.hash), ip: ip, now: clock.now)
        else { throw try await wrongCode(user.userID) }
        return codes
    }

    /// Turns 2FA off: the password first (403), then a code or a recovery code (422).
    func disable(for user: UserRecord, password: String?, code: String?, ip: String) async throws {
        guard case .match = try await hashing({ try await hasher.verify(password ?? "", against: user.passwordHash) }) else { throw AppError.wrongPassword }
        guard let stored = try await database.twoFactorSecret(userID: user.userID), stored.enabled else { throw AppError.twoFactorNotEnabled }
        try await admitCode(user.userID)
        guard let use = try use(code, stored: stored, userID: user.userID),
            try await database.disableTwoFactor(userID: user.userID, spending: use, ip: ip, now: clock.now)
        else { throw try await wrongCode(user.userID) }
    }

    /// A sign-in's second step for a user whose password was right: 401 `invalid_otp`
    /// for a wrong, replayed or used code (logged and counted), 429 past the limit.
    func completeSignIn(_ user: UserRecord, code: String, ip: String) async throws {
        try await admitCode(user.userID)
        if let stored = try await database.twoFactorSecret(userID: user.userID), stored.enabled, let use = try use(code, stored: stored, userID: user.userID),
            try await database.signIn(userID: user.userID, spending: use, ip: ip, now: clock.now)
        {
            try await failures.reset(key(user.userID))
            return
        }
        try await database.recordSecurityEvent(userID: user.userID, SecurityEvent(.loginFailed, ip: ip, detail: "wrong two-factor code"), at: clock.now)
        try await failures.record(key(user.userID), now: clock.now)
        throw AppError.invalidOTP
    }

    /// Counts a failure that was not a wrong code as such (a stale second-step proof).
    func countFailure(userID: Int64) async throws {
        try await failures.record(key(userID), now: clock.now)
    }

    func recoveryCodesLeft(for user: UserRecord) async throws -> Int {
        try await database.recoveryCodesLeft(userID: user.userID)
    }

    /// What a typed code would spend: a TOTP step of now (±1) not yet used, or a recovery
    /// code (whether it is unused is the write's to find).
    private func use(_ code: String?, stored: TwoFactorSecretRecord, userID: Int64) throws -> SecondFactorUse? {
        guard let code else { return nil }
        if let digits = TOTP.normalized(code) {
            return TOTP(secret: try open(stored, userID: userID)).matchingStep(digits, at: clock.now, after: stored.lastStep).map(SecondFactorUse.step)
        }
        return RecoveryCodes.normalized(code).map { .recoveryCode(hash: RecoveryCodes.hash($0)) }
    }

    private func open(_ stored: TwoFactorSecretRecord, userID: Int64) throws -> [UInt8] {
        guard let dataKey, stored.keyID == dataKey.id else { throw AppError.twoFactorUnavailable }
        return try dataKey.open(stored.sealed, userID: userID)
    }

    private func admitCode(_ userID: Int64) async throws {
        if let wait = try await failures.retryAfter(key(userID), now: clock.now) { throw AppError.rateLimited(retryAfter: wait) }
    }

    private func wrongCode(_ userID: Int64) async throws -> AppError {
        try await failures.record(key(userID), now: clock.now)
        return AppError.validation("code", "is not right, or was already used")
    }

    private func key(_ userID: Int64) -> String { String(userID) }

    private func hashing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch is PasswordHasher.Overloaded {
            throw AppError.overloaded
        }
    }
}

/// Recovery codes: ten per enrolment, 60 random bits each, shown as `xxxx-xxxx-xxxx`
/// (base32 letters and digits, any case, dashes and spaces optional when typed) and
/// stored as SHA-256 — random codes of that strength need no slow hash.
enum RecoveryCodes {
    static let count = 10
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return [0, 4, 8].map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
        }
    }

    /// The code as stored before hashing: lower case, no dashes or spaces; nil unless
    /// it could be one.
    static func normalized(_ typed: String) -> String? {
        let code = String(typed.lowercased().filter { $0 != "-" && !$0.isWhitespace })
        return code.count == 12 && code.allSatisfy(alphabet.contains) ? code : nil
    }

    static func hash(_ normalized: String) -> String { SecureRandom.sha256Hex(normalized) }
}
