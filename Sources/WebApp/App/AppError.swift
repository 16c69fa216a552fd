import Domain
import HTTPTypes

/// An error a user can cause, with its status, a stable snake_case code and a message
/// for people. The API renders it as `{"error": {...}}`; pages render a styled page.
struct AppError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fields: [String: String]?
    var retryAfter: Int?
    /// Headers the answer carries whatever its form (`Allow` on a 405, say).
    var headers: HTTPFields = [:]
    /// An import's problems row by row (SPEC §10), at most ``ImportProblems/listed``.
    var rows: [ImportProblem]?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [String: String]? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.retryAfter = retryAfter
    }

    static func validation(_ errors: FieldErrors) -> AppError {
        AppError(.unprocessableContent, "validation_failed", "Some fields need attention.", fields: errors.fields)
    }

    static func validation(_ field: String, _ problem: String) -> AppError {
        validation(FieldErrors([field: problem]))
    }

    static let notAuthenticated = AppError(.unauthorized, "not_authenticated", "Sign in to continue.")
    static let invalidCredentials = AppError(.unauthorized, "invalid_credentials", "Wrong username or password.")
    static let invalidRefreshToken = AppError(.unauthorized, "invalid_refresh_token", "The refresh token is not valid; sign in again.")
    static let accountDisabled = AppError(.forbidden, "account_disabled", "This account is disabled.")
    static let wrongPassword = AppError(.forbidden, "wrong_password", "The current password is wrong.")
    static let forbidden = AppError(.forbidden, "forbidden", "You are not allowed to do that.")
    static let csrfFailed = AppError(.forbidden, "csrf_failed", "The form expired or came from another site. Reload the page and try again.")
    static let notFound = AppError(.notFound, "not_found", "There is nothing here.")
    static let usernameTaken = AppError(.conflict, "username_taken", "That username is taken.", fields: ["username": "is taken"])
    static let malformedJSON = AppError(.badRequest, "malformed_json", "The request body is not valid JSON.")
    static let tooLarge = AppError(.contentTooLarge, "payload_too_large", "The request body is larger than 1 MiB.")
    static let importTooLarge = AppError(.contentTooLarge, "payload_too_large", "An import file may be at most 20 MiB.")

    /// 422 for an import file with problems: each listed by row and field (the first 100),
    /// and by field as every 422 names them.
    static func importFailed(_ problems: ImportProblems) -> AppError {
        let listed = Array(problems.items.prefix(ImportProblems.listed))
        var fields: [String: String] = [:]
        for item in listed where fields[item.field] == nil { fields[item.field] = item.problem }
        let more = problems.items.count > listed.count ? " (the first \(listed.count) are listed)" : ""
        var error = AppError(
            .unprocessableContent, "validation_failed", "The file has \(problems.items.count) problem\(problems.items.count == 1 ? "" : "s")\(more); nothing was imported.",
            fields: fields)
        error.rows = listed
        return error
    }
    static let sessionNotFound = AppError(.notFound, "not_found", "That session has already ended.")
    static let otpRequired = AppError(.unauthorized, "otp_required", "Enter the code from your authenticator app.")
    static let invalidOTP = AppError(.unauthorized, "invalid_otp", "That code is not right, or was already used.")
    static let staleSignIn = AppError(.unauthorized, "sign_in_expired", "The sign-in took too long; enter your password again.")
    static let twoFactorAlreadyEnabled = AppError(.conflict, "2fa_already_enabled", "Two-factor sign-in is already on.")
    static let twoFactorNotStarted = AppError(.conflict, "2fa_not_started", "Start setting up two-factor sign-in first.")
    static let twoFactorNotEnabled = AppError(.conflict, "2fa_not_enabled", "Two-factor sign-in is off.")
    static let twoFactorUnavailable = AppError(
        .serviceUnavailable, "2fa_unavailable", "Two-factor sign-in needs the server's DATA_KEY setting; ask whoever runs this server.")
    static let overloaded = AppError(.serviceUnavailable, "overloaded", "The server is busy; try again in a moment.", retryAfter: 1)

    static func rateLimited(retryAfter: Int) -> AppError {
        AppError(.tooManyRequests, "rate_limited", "Too many attempts; try again in \(retryAfter) seconds.", retryAfter: retryAfter)
    }
}
