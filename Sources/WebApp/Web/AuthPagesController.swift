import Domain
import Hummingbird
import Templates

/// `/`, `/login`, `/signup`, `/logout`: browser sign-in with forms that keep the user's
/// input (never the password) and show errors inline; with the script the form swaps in
/// place, without it the same form posts and the server redirects (303).
struct AuthPagesController: Sendable {
    let accounts: AccountService
    let views: Views
    let session: WebSessionMiddleware

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("/") { _, context in
            WebResponse.redirect(to: context.user == nil ? "/login" : "/dashboard", context: context)
        }
        router.get("login") { request, context in
            let query = FormData(query: request)
            let next = ReturnPath.validated(query["next"])
            if context.user != nil { return WebResponse.redirect(to: next, context: context) }
            let notice: TemplateValue = query["signed_out"] == "1" ? "You are signed out." : .null
            return try views.page("pages/login", ["username": "", "error": .null, "next": .string(next), "notice": notice], context: context)
        }
        router.post("login") { request, context in
            let form = try await FormData.read(request, context: context)
            let username = form["username"] ?? ""
            let next = ReturnPath.validated(form["next"])
            do {
                try accounts.admit(ip: context.clientIP)
                let user = try await accounts.login(username: username, password: form["password"] ?? "", ip: context.clientIP)
                return try await signedIn(user, to: next, context: context)
            } catch let error as AppError where [401, 403, 429, 503].contains(error.status.code) {
                var response = try views.page(
                    "pages/login", fragments: ["login_form"], status: error.status,
                    ["username": .string(username), "error": .string(error.message), "next": .string(next), "notice": .null], context: context)
                if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
                return response
            }
        }
        router.get("signup") { _, context in
            if context.user != nil { return WebResponse.redirect(to: "/dashboard", context: context) }
            return try views.page("pages/signup", signupValues(username: "", timezone: "UTC", error: nil, fields: [:]), context: context)
        }
        router.post("signup") { request, context in
            let form = try await FormData.read(request, context: context)
            let username = (form["username"] ?? "").trimmingWhitespace
            let typedZone = (form["timezone"] ?? "").trimmingWhitespace
            let timezone = typedZone.isEmpty ? "UTC" : typedZone
            do {
                try accounts.admit(ip: context.clientIP)
                let user = try await accounts.signup(username: username, password: form["password"] ?? "", timezone: timezone)
                return try await signedIn(user, to: ReturnPath.fallback, context: context)
            } catch let error as AppError where error.fields != nil || [429, 503].contains(error.status.code) {
                let message = error.fields == nil ? error.message : nil
                return try views.page(
                    "pages/signup", fragments: ["signup_form"], status: error.status,
                    signupValues(username: username, timezone: timezone, error: message, fields: error.fields ?? [:]), context: context)
            }
        }
        router.post("logout") { _, context in
            var response = WebResponse.redirect(to: "/login?signed_out=1", context: context)
            response.setCookie(session.clearedSessionCookie())
            return response
        }
    }

    private func signedIn(_ user: UserRecord, to destination: String, context: AppRequestContext) async throws -> Response {
        var response = WebResponse.redirect(to: destination, context: context)
        response.setCookie(session.sessionCookie(try await accounts.tokens.accessToken(for: user)))
        response.setCookie(session.rotatedCSRFCookie())
        return response
    }

    private func signupValues(username: String, timezone: String, error: String?, fields: [String: String]) -> [String: TemplateValue] {
        [
            "username": .string(username), "timezone": .string(timezone), "error": error.templateValue, "timezones": TimeZoneList.value,
            "errors": FormErrors.values(["username", "password", "timezone"], fields),
        ]
    }
}

/// Field errors for a form template: every field present, empty when it is fine, so
/// templates can test `errors.name` without the variable ever being missing.
enum FormErrors {
    static func values(_ names: [String], _ fields: [String: String]) -> TemplateValue {
        .dictionary(TemplateObject(names.map { ($0, TemplateValue.string(fields[$0] ?? "")) }))
    }
}
