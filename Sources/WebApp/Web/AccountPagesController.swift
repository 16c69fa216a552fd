import Domain
import Foundation
import Hummingbird
import Templates

/// `/settings` for a signed-in browser.
struct AccountPagesController: Sendable {
    let accounts: AccountService
    let views: Views
    let session: WebSessionMiddleware

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("settings") { _, context in
            try views.page("pages/settings", settingsValues(profile: Self.profileValues(context.user), saved: false, fields: [:]), context: context)
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
                return try views.page("pages/settings", fragments: ["profile_form"], settingsValues(profile: Self.profileValues(updated), saved: true, fields: [:]), context: context)
            } catch let error as AppError where error.fields != nil {
                var kept = Self.profileValues(context.user)
                if case .dictionary(var entries) = kept {
                    for name in ["timezone", "focus_minutes", "short_break_minutes", "long_break_minutes", "long_break_every"] {
                        entries[name] = .string(form[name] ?? "")
                    }
                    kept = .dictionary(entries)
                }
                return try views.page("pages/settings", fragments: ["profile_form"], status: .unprocessableContent,
                                      settingsValues(profile: kept, saved: false, fields: error.fields ?? [:]), context: context)
            }
        }
        router.post("settings/password") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                try await accounts.changePassword(user: context.user, current: form["current_password"] ?? "", new: form["new_password"] ?? "")
            } catch let error as AppError where error.status == .forbidden || error.fields != nil {
                let message = error.fields?["new_password"].map { "The new password \($0)." } ?? error.message
                var values = settingsValues(profile: Self.profileValues(context.user), saved: false, fields: [:])
                values["password_error"] = .string(message)
                return try views.page("pages/settings", fragments: ["password_form"], status: error.status, values, context: context)
            }
            return try await signedInAgain(context)
        }
        router.post("settings/sign-out-everywhere") { _, context in
            try await accounts.signOutEverywhere(user: context.user)
            var response = WebResponse.redirect(to: "/login?signed_out=1", context: context)
            response.setCookie(session.clearedSessionCookie())
            return response
        }
    }

    /// After a password change every session ends; this browser gets a fresh one.
    private func signedInAgain(_ context: AuthenticatedContext) async throws -> Response {
        guard let user = try await accounts.user(id: context.user.userID) else { throw AppError.notAuthenticated }
        var response = WebResponse.redirect(to: "/settings", context: context)
        response.setCookie(session.sessionCookie(try await accounts.tokens.accessToken(for: user)))
        return response
    }

    private func settingsValues(profile: TemplateValue, saved: Bool, fields: [String: String]) -> [String: TemplateValue] {
        [
            "profile": profile, "saved": .bool(saved), "password_error": .null, "timezones": TimeZoneList.value,
            "errors": FormErrors.values(["timezone", "focus_minutes", "short_break_minutes", "long_break_minutes", "long_break_every"], fields),
        ]
    }

    static func userValues(_ user: UserRecord) -> TemplateValue {
        ["username": .string(user.username), "timezone": .string(user.timezone), "xp": .int(user.xp), "level": .int(user.level)]
    }

    static func profileValues(_ user: UserRecord) -> TemplateValue {
        [
            "timezone": .string(user.timezone), "focus_minutes": .int(user.focusMinutes), "short_break_minutes": .int(user.shortBreakMinutes),
            "long_break_minutes": .int(user.longBreakMinutes), "long_break_every": .int(user.longBreakEvery),
        ]
    }

    /// A whole number from a form field; empty means unchanged; anything else is noted.
    private static func number(_ form: FormData, _ name: String, _ problems: inout FieldErrors) -> Int? {
        guard let raw = form[name]?.trimmingWhitespace, !raw.isEmpty else { return nil }
        guard let value = Int(raw) else {
            problems[name] = "must be a whole number"
            return nil
        }
        return value
    }
}
