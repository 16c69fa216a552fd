import Domain
import Foundation
import Hummingbird

/// `/api/v1/auth/*` and `/api/v1/me*`: accounts for API clients (SPEC §3).
struct AccountAPIController: Sendable {
    let accounts: AccountService

    struct TokenResponse: Encodable {
        let accessToken: String
        let tokenType = "bearer"
        let expiresIn: Int
        let refreshToken: String
        let user: UserJSON
    }

    func addRoutes(public api: RouterGroup<AppRequestContext>, authenticated: RouterGroup<AuthenticatedContext>) {
        api.post("auth/signup") { request, context in
            try await accounts.admit(ip: context.clientIP)
            var body = try await JSONBody.read(request, context: context)
            let (username, password, timezone) = (body.string("username", required: true), body.string("password", required: true), body.string("timezone"))
            try body.checked()
            let user = try await accounts.signup(username: username ?? "", password: password ?? "", timezone: timezone)
            return try tokenResponse(try await accounts.issueTokens(for: user, origin: SignInOrigin(request, ip: context.clientIP)), status: .created)
        }
        api.post("auth/login") { request, context in
            try await accounts.admit(ip: context.clientIP)
            var body = try await JSONBody.read(request, context: context)
            let (username, password, otp) = (body.string("username", required: true), body.string("password", required: true), body.string("otp"))
            try body.checked()
            let user = try await accounts.login(username: username ?? "", password: password ?? "", otp: otp, ip: context.clientIP)
            return try tokenResponse(try await accounts.issueTokens(for: user, origin: SignInOrigin(request, ip: context.clientIP)), status: .ok)
        }
        api.post("auth/refresh") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let token = body.string("refresh_token", required: true)
            try body.checked()
            return try tokenResponse(try await accounts.refresh(token ?? ""), status: .ok)
        }
        api.post("auth/logout") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (token, everywhere) = (body.string("refresh_token"), body.bool("everywhere"))
            try body.checked()
            if token == nil && context.user == nil { throw AppError.notAuthenticated }
            try await accounts.logout(refreshToken: token, everywhere: everywhere ?? false, user: context.user, session: context.signInSessionID)
            return Response(status: .noContent)
        }
        authenticated.get("me") { _, context in
            try APIResponse.json(UserJSON(context.user))
        }
        authenticated.patch("me") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let timezone = body.string("timezone")
            var settings = SettingsChange()
            if var nested = body.object("settings") {
                settings = SettingsChange(
                    focusMinutes: nested.integer("focus_minutes"), shortBreakMinutes: nested.integer("short_break_minutes"),
                    longBreakMinutes: nested.integer("long_break_minutes"), longBreakEvery: nested.integer("long_break_every"),
                    dayStartsAt: nested.integer("day_starts_at"), restDays: nested.strings("rest_days"))
                body.note(nested.problems)
            }
            try body.checked()
            let updated = try await accounts.updateProfile(user: context.user, timezone: timezone, settings: settings)
            return try APIResponse.json(UserJSON(updated))
        }
        authenticated.post("me/password") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (current, new) = (body.string("current_password", required: true), body.string("new_password", required: true))
            try body.checked()
            try await accounts.changePassword(user: context.user, current: current ?? "", new: new ?? "", ip: context.clientIP)
            return Response(status: .noContent)
        }
    }

    private func tokenResponse(_ pair: TokenPair, status: HTTPResponse.Status) throws -> Response {
        try APIResponse.json(
            TokenResponse(accessToken: pair.accessToken, expiresIn: Int(accounts.tokens.accessLifetime), refreshToken: pair.refreshToken, user: UserJSON(pair.user)),
            status: status)
    }
}

/// The user as the API shows it.
struct UserJSON: Encodable {
    struct Settings: Encodable {
        let focusMinutes: Int
        let shortBreakMinutes: Int
        let longBreakMinutes: Int
        let longBreakEvery: Int
        let dayStartsAt: Int
        let restDays: [String]
    }

    let id: Int64
    let username: String
    let timezone: String
    let isAdmin: Bool
    let twoFactor: Bool
    let createdAt: Date
    let xp: Int
    let level: Int
    let settings: Settings

    init(_ user: UserRecord) {
        id = user.userID
        username = user.username
        timezone = user.timezone
        isAdmin = user.isAdmin
        twoFactor = user.twoFactor
        createdAt = user.createdAt
        xp = user.xp
        level = user.level
        settings = Settings(
            focusMinutes: user.focusMinutes, shortBreakMinutes: user.shortBreakMinutes,
            longBreakMinutes: user.longBreakMinutes, longBreakEvery: user.longBreakEvery,
            dayStartsAt: user.dayStartsAt, restDays: user.dayRules.restDays.names)
    }
}
