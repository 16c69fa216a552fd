import Hummingbird

/// The two-factor and sessions sections of `/settings` (SPEC §13): set up (QR code and
/// key, then a first code, then the recovery codes once), turn off with the password and
/// a code; sign out any one session. Each form swaps its section in place; without
/// JavaScript it answers the whole settings page, anchored at the section.
struct AccountSecurityPagesController: Sendable {
    let accounts: AccountService
    let streaks: StreakService
    let views: Views
    let session: WebSessionMiddleware

    private var twoFactor: TwoFactorService { accounts.twoFactor }

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.post("settings/two-factor") { _, context in
            do {
                _ = try await twoFactor.begin(for: context.user)
                return try await twoFactorSection(context, SecuritySection())
            } catch let error as AppError where [409, 503].contains(error.status.code) {
                return try await twoFactorSection(context, SecuritySection(error: error.message), status: error.status)
            }
        }
        router.post("settings/two-factor/confirm") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                let codes = try await twoFactor.confirm(for: context.user, code: form["code"], ip: context.clientIP)
                let user = try await accounts.user(id: context.user.userID) ?? context.user
                return try await twoFactorSection(
                    context, SecuritySection(notice: "Two-factor sign-in is on.", recoveryCodes: codes), for: user)
            } catch let error as AppError {
                return try await failed(error, context)
            }
        }
        router.post("settings/two-factor/disable") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                try await twoFactor.disable(for: context.user, password: form["password"], code: form["code"], ip: context.clientIP)
                let user = try await accounts.user(id: context.user.userID) ?? context.user
                return try await twoFactorSection(context, SecuritySection(notice: "Two-factor sign-in is off."), for: user)
            } catch let error as AppError {
                return try await failed(error, context)
            }
        }
        router.post("settings/sessions/:id/revoke") { _, context in
            let id = try PathID.parse(context, notFound: AppError.sessionNotFound)
            do {
                try await accounts.revokeSession(id, of: context.user, ip: context.clientIP)
            } catch let error as AppError where error.status == .notFound {
                return try await sessionsSection(context, SecuritySection(sessionsError: error.message), status: .notFound)
            }
            guard id != context.signInSessionID else {
                var response = WebResponse.redirect(to: "/login?signed_out=1", context: context)
                response.setCookie(session.clearedSessionCookie())
                return response
            }
            return try await sessionsSection(context, SecuritySection(sessionsNotice: "Signed out; that device must sign in again."))
        }
    }

    /// A refused code, password or step, shown at the field it concerns.
    private func failed(_ error: AppError, _ context: AuthenticatedContext) async throws -> Response {
        var shown = SecuritySection()
        switch error.status.code {
        case 422: shown.codeError = error.fields?["code"] ?? error.message
        case 403: shown.passwordError = error.message
        case 409, 429, 503: shown.error = error.message
        default: throw error
        }
        var response = try await twoFactorSection(context, shown, status: error.status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    private func twoFactorSection(
        _ context: AuthenticatedContext, _ shown: SecuritySection, for user: UserRecord? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = try await streaks.settingsPage(for: user ?? context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["two_factor_section"], status: status, page.values(security: shown), context: context)
    }

    private func sessionsSection(_ context: AuthenticatedContext, _ shown: SecuritySection, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["sessions_section"], status: status, page.values(security: shown), context: context)
    }
}
