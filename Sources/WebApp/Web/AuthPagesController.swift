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
            return try views.page("pages/login", LoginStep(next: next, notice: notice).values, context: context)
        }
        router.post("login") { request, context in
            let form = try await FormData.read(request, context: context)
            var step = LoginStep(username: form["username"] ?? "", next: ReturnPath.validated(form["next"]))
            do {
                try await accounts.admit(ip: context.clientIP)
                let user = try await accounts.checkPassword(username: step.username, password: form["password"] ?? "", ip: context.clientIP)
                guard user.twoFactor else {
                    try await accounts.recordSignIn(user, ip: context.clientIP)
                    return try await signedIn(user, to: step.next, request: request, context: context)
                }
                step.proof = try await accounts.tokens.signInProof(for: user)
                return try views.page("pages/login", fragments: ["login_form"], step.values, context: context)
            } catch let error as AppError where [401, 403, 429, 503].contains(error.status.code) {
                return try failed(step, error, context: context)
            }
        }
        router.post("login/code") { request, context in
            let form = try await FormData.read(request, context: context)
            let proof = form["proof"] ?? ""
            var step = LoginStep(next: ReturnPath.validated(form["next"]), proof: proof)
            do {
                try await accounts.admit(ip: context.clientIP)
                let user = try await accounts.userAtSecondStep(proof: proof)
                step.username = user.username
                try await accounts.twoFactor.completeSignIn(user, code: form["code"] ?? "", ip: context.clientIP)
                return try await signedIn(user, to: step.next, request: request, context: context)
            } catch let error as AppError where [401, 403, 429, 503].contains(error.status.code) {
                // A stale or broken proof starts over at the password; a wrong code keeps the step.
                if error.code == AppError.staleSignIn.code { step.proof = nil }
                return try failed(step, error, context: context)
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
                try await accounts.admit(ip: context.clientIP)
                let user = try await accounts.signup(username: username, password: form["password"] ?? "", timezone: timezone)
                return try await signedIn(user, to: ReturnPath.fallback, request: request, context: context)
            } catch let error as AppError where error.fields != nil || [429, 503].contains(error.status.code) {
                let message = error.fields == nil ? error.message : nil
                return try views.page(
                    "pages/signup", fragments: ["signup_form"], status: error.status,
                    signupValues(username: username, timezone: timezone, error: message, fields: error.fields ?? [:]), context: context)
            }
        }
        router.post("logout") { _, context in
            if let user = context.user { try await accounts.logout(refreshToken: nil, everywhere: false, user: user, session: context.signInSessionID) }
            var response = WebResponse.redirect(to: "/login?signed_out=1", context: context)
            response.setCookie(session.clearedSessionCookie())
            return response
        }
    }

    private func signedIn(_ user: UserRecord, to destination: String, request: Request, context: AppRequestContext) async throws -> Response {
        var response = WebResponse.redirect(to: destination, context: context)
        response.setCookie(session.sessionCookie(try await accounts.startBrowserSession(for: user, origin: SignInOrigin(request, ip: context.clientIP))))
        response.setCookie(session.rotatedCSRFCookie())
        return response
    }

    /// The login form again with the problem, on the step it happened (the code step
    /// while its proof is good, else the password).
    private func failed(_ step: LoginStep, _ error: AppError, context: AppRequestContext) throws -> Response {
        var step = step
        step.error = error.message
        var response = try views.page("pages/login", fragments: ["login_form"], status: error.status, step.values, context: context)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    private func signupValues(username: String, timezone: String, error: String?, fields: [String: String]) -> [String: TemplateValue] {
        [
            "username": .string(username), "timezone": .string(timezone), "error": error.templateValue, "timezones": TimeZoneList.value,
            "errors": FormErrors.values(["username", "password", "timezone"], fields),
        ]
    }
}

/// What the login form shows: the password step (with the username kept) or, with a
/// proof of the password step, the code step.
struct LoginStep {
    var username = ""
    var next: String
    var notice: TemplateValue = .null
    var proof: String?
    var error: String?

    var values: [String: TemplateValue] {
        [
            "username": .string(username), "next": .string(next), "notice": notice, "proof": proof.templateValue, "error": error.templateValue,
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
