import Domain
import Foundation
import Hummingbird

/// `/api/v1/auth/*` and `/api/v1/me*`: accounts for API clients (SPEC §3).
struct AccountAPIController: Sendable {
    let accounts: AccountService

    struct SignupBody: Decodable { let username: String; let password: String; let timezone: String? }
    struct LoginBody: Decodable { let username: String; let password: String }
    struct RefreshBody: Decodable { let refreshToken: String }
    struct LogoutBody: Decodable { let refreshToken: String?; let everywhere: Bool? }
    struct PasswordBody: Decodable { let currentPassword: String; let newPassword: String }
    struct ProfileBody: Decodable { let timezone: String?; let settings: SettingsChange? }

    struct TokenResponse: Encodable {
        let accessToken: String
        let tokenType = "bearer"
        let expiresIn: Int
        let refreshToken: String
        let user: UserJSON
    }

    func addRoutes(public api: RouterGroup<AppRequestContext>, authenticated: RouterGroup<AuthenticatedContext>) {
        api.post("auth/signup") { request, context in
            try accounts.admit(ip: context.clientIP)
            let body = try await JSONBody.decode(SignupBody.self, from: request, context: context)
            let user = try await accounts.signup(username: body.username, password: body.password, timezone: body.timezone)
            return try tokenResponse(try await accounts.issueTokens(for: user), status: .created)
        }
        api.post("auth/login") { request, context in
            try accounts.admit(ip: context.clientIP)
            let body = try await JSONBody.decode(LoginBody.self, from: request, context: context)
            let user = try await accounts.login(username: body.username, password: body.password)
            return try tokenResponse(try await accounts.issueTokens(for: user), status: .ok)
        }
        api.post("auth/refresh") { request, context in
            let body = try await JSONBody.decode(RefreshBody.self, from: request, context: context)
            return try tokenResponse(try await accounts.refresh(body.refreshToken), status: .ok)
        }
        api.post("auth/logout") { request, context in
            let body = try await JSONBody.decode(LogoutBody.self, from: request, context: context)
            if body.refreshToken == nil && context.user == nil { throw AppError.notAuthenticated }
            try await accounts.logout(refreshToken: body.refreshToken, everywhere: body.everywhere ?? false, user: context.user)
            return Response(status: .noContent)
        }
        authenticated.get("me") { _, context in
            try APIResponse.json(UserJSON(context.user))
        }
        authenticated.patch("me") { request, context in
            let body = try await JSONBody.decode(ProfileBody.self, from: request, context: context)
            let updated = try await accounts.updateProfile(user: context.user, timezone: body.timezone, settings: body.settings ?? SettingsChange())
            return try APIResponse.json(UserJSON(updated))
        }
        authenticated.post("me/password") { request, context in
            let body = try await JSONBody.decode(PasswordBody.self, from: request, context: context)
            try await accounts.changePassword(user: context.user, current: body.currentPassword, new: body.newPassword)
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
    }

    let id: Int64
    let username: String
    let timezone: String
    let isAdmin: Bool
    let createdAt: Date
    let xp: Int
    let level: Int
    let settings: Settings

    init(_ user: UserRecord) {
        id = user.userID
        username = user.username
        timezone = user.timezone
        isAdmin = user.isAdmin
        createdAt = user.createdAt
        xp = user.xp
        level = user.level
        settings = Settings(
            focusMinutes: user.focusMinutes, shortBreakMinutes: user.shortBreakMinutes,
            longBreakMinutes: user.longBreakMinutes, longBreakEvery: user.longBreakEvery)
    }
}
