import Domain
import Foundation
import Hummingbird
import Templates

/// `/settings` for a signed-in browser.
struct AccountPagesController: Sendable {
    let accounts: AccountService
    let streaks: StreakService
    let views: Views
    let session: WebSessionMiddleware

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("settings") { _, context in
            try views.page("pages/settings", try await streaks.settingsPage(for: context.user, session: context.signInSessionID).values(), context: context)
        }
        router.post("settings") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                var problems = FieldErrors()
                let change = SettingsChange(
                    focusMinutes: Self.number(form, "focus_minutes", &problems), shortBreakMinutes: Self.number(form, "short_break_minutes", &problems),
                    longBreakMinutes: Self.number(form, "long_break_minutes", &problems), longBreakEvery: Self.number(form, "long_break_every", &problems))
                let updated = try await accounts.updateProfile(user: context.user, timezone: (form["timezone"] ?? "").trimmingWhitespace, settings: change, known: problems)
                if !context.isHXRequest { return WebResponse.redirect(to: "/settings", context: context) }
                return try views.page("pages/settings", fragments: ["profile_form"], try await streaks.settingsPage(for: updated, session: context.signInSessionID).values(saved: true), context: context)
            } catch let error as AppError where error.fields != nil {
                let kept = TemplateValue.dictionary(TemplateObject(SettingsPage.profileFields.map { ($0, TemplateValue.string(form[$0] ?? "")) }))
                return try views.page("pages/settings", fragments: ["profile_form"], status: .unprocessableContent,
                                      try await streaks.settingsPage(for: context.user, session: context.signInSessionID).values(profile: kept, fields: error.fields ?? [:]), context: context)
            }
        }
        router.post("settings/password") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                try await accounts.changePassword(user: context.user, current: form["current_password"] ?? "", new: form["new_password"] ?? "", ip: context.clientIP)
            } catch let error as AppError where error.status == .forbidden || error.fields != nil {
                let message = error.fields?["new_password"].map { "The new password \($0)." } ?? error.message
                var values = try await streaks.settingsPage(for: context.user, session: context.signInSessionID).values()
                values["password_error"] = .string(message)
                return try views.page("pages/settings", fragments: ["password_form"], status: error.status, values, context: context)
            }
            return try await signedInAgain(request, context)
        }
        router.post("settings/sign-out-everywhere") { _, context in
            try await accounts.signOutEverywhere(user: context.user)
            var response = WebResponse.redirect(to: "/login?signed_out=1", context: context)
            response.setCookie(session.clearedSessionCookie())
            return response
        }
    }

    /// After a password change every session ends; this browser gets a fresh one.
    private func signedInAgain(_ request: Request, _ context: AuthenticatedContext) async throws -> Response {
        guard let user = try await accounts.user(id: context.user.userID) else { throw AppError.notAuthenticated }
        var response = WebResponse.redirect(to: "/settings", context: context)
        response.setCookie(session.sessionCookie(try await accounts.startBrowserSession(for: user, origin: SignInOrigin(request, ip: context.clientIP))))
        return response
    }

    static func userValues(_ user: UserRecord) -> TemplateValue {
        [
            "username": .string(user.username), "timezone": .string(user.timezone), "xp": .int(user.xp), "level": .int(user.level),
            "day_start": .string(SettingsPage.hourLabel(user.dayStartsAt)),
        ]
    }

    /// A whole number from a form field; empty means unchanged; anything else is noted.
    static func number(_ form: FormData, _ name: String, _ problems: inout FieldErrors) -> Int? {
        guard let raw = form[name]?.trimmingWhitespace, !raw.isEmpty else { return nil }
        guard let value = Int(raw) else {
            problems[name] = "must be a whole number"
            return nil
        }
        return value
    }
}
