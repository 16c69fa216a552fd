import Foundation
import Hummingbird

/// Browser sessions and CSRF protection for every page route.
///
/// The session is the access token in the `fq_session` cookie (HttpOnly, SameSite=Lax,
/// Path=/, Secure in production), renewed once it is past half its life. CSRF uses a
/// random token in the `fq_csrf` cookie that every form repeats in `_csrf` and the page
/// script sends as `X-CSRF-Token`; a state-changing request must repeat it and, when the
/// browser names an `Origin`, come from this site.
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "fq_session"
    static let csrfCookie = "fq_csrf"

    let accounts: AccountService
    let reads: SignedInReads
    let secureCookies: Bool

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        var claims: AccessClaims?
        if let token = CookieHeader.value(Self.sessionCookie, in: request) {
            if let read = reads.read(for: request, context: context) {
                if let signedIn = try await accounts.authenticate(accessToken: token, reading: read) {
                    context.signIn(signedIn.user, session: signedIn.claims.sid, incomingRequests: signedIn.incomingRequests)
                    context.signedInPage = signedIn.page
                    claims = signedIn.claims
                }
            } else if let signedIn = try await accounts.authenticatePage(accessToken: token) {
                context.signIn(signedIn.user, session: signedIn.claims.sid, incomingRequests: signedIn.incomingRequests)
                claims = signedIn.claims
            }
        }
        let existingCSRF = CookieHeader.value(Self.csrfCookie, in: request)?.nilIfInvalidToken
        context.csrfToken = existingCSRF ?? SecureRandom.token(bytes: 32)
        var response: Response
        do {
            if ![.get, .head, .options].contains(request.method) {
                try Self.checkOrigin(request)
                guard let existingCSRF, try await Self.submittedToken(&request, context: context).map({ SecureRandom.constantTimeEqual($0, existingCSRF) }) == true else {
                    throw AppError.csrfFailed
                }
            }
            // The window the page script names, for the live events this request causes.
            response = try await LiveOrigin.$window.withValue(LiveOrigin.validated(request.headers[.fqWindow])) {
                try await next(request, context)
            }
        } catch {
            // The error page is rendered outside this middleware: it carries who is signed in.
            throw PageError(underlying: error, context: context)
        }
        if existingCSRF == nil {
            response.setCookie(cookie(Self.csrfCookie, context.csrfToken, maxAge: 400 * 86_400))
        }
        if let claims, let user = context.user, !response.setsCookie(Self.sessionCookie),
            claims.iat.value.addingTimeInterval(accounts.tokens.accessLifetime / 2) < accounts.clock.now
        {
            response.setCookie(sessionCookie(try await accounts.tokens.accessToken(for: user, session: claims.sid)))
        }
        return response
    }

    func sessionCookie(_ token: String) -> Cookie {
        cookie(Self.sessionCookie, token, maxAge: Int(accounts.tokens.accessLifetime))
    }

    func clearedSessionCookie() -> Cookie {
        cookie(Self.sessionCookie, "", maxAge: 0)
    }

    /// A fresh CSRF cookie, issued at sign-in so a token planted before it is useless.
    func rotatedCSRFCookie() -> Cookie {
        cookie(Self.csrfCookie, SecureRandom.token(bytes: 32), maxAge: 400 * 86_400)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// A request naming a foreign `Origin` never changes anything.
    private static func checkOrigin(_ request: Request) throws(AppError) {
        guard let origin = request.headers[.origin] else { return }
        guard let host = request.head.authority,
            let url = URL(string: origin), let originHost = url.host
        else { throw AppError.csrfFailed }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority.lowercased() == host.lowercased() else { throw AppError.csrfFailed }
    }

    private static func submittedToken(_ request: inout Request, context: AppRequestContext) async throws -> String? {
        if let header = request.headers[.xCSRFToken] { return header }
        let type = request.headers[.contentType]
        if type?.hasPrefix("multipart/form-data") == true, ImportLimit.paths.contains(request.uri.path) {
            // Only a signed-in person's upload is read (up to 20 MiB); anyone else's is refused unread.
            guard context.user != nil else { throw AppError.notAuthenticated }
            return UploadForm.csrfToken(try await ImportService.collectBody(&request), contentType: type)
        }
        guard type?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return FormData(encoded: String(buffer: body))["_csrf"]
    }
}

extension Response {
    func setsCookie(_ name: String) -> Bool {
        headers[values: .setCookie].contains { $0.hasPrefix(name + "=") }
    }
}

/// An error of a page route, with the session it ran in, so the error page's navigation
/// is the signed-in person's (``ErrorRenderer`` unwraps it).
struct PageError: Error {
    let underlying: any Error
    let user: UserRecord?
    let signInSessionID: Int64?
    let csrfToken: String
    let incomingFriendRequests: Int

    init(underlying: any Error, context: AppRequestContext) {
        self.underlying = underlying
        user = context.user
        signInSessionID = context.signInSessionID
        csrfToken = context.csrfToken
        incomingFriendRequests = context.incomingFriendRequests
    }

    /// Puts the session back into a context outside the middleware.
    func restore(into context: inout AppRequestContext) {
        context.user = user
        context.signInSessionID = signInSessionID
        context.csrfToken = csrfToken
        context.incomingFriendRequests = incomingFriendRequests
    }
}

extension String {
    /// Self when it looks like one of our tokens (base64url, 16–128 characters).
    var nilIfInvalidToken: String? {
        (16...128).contains(utf8.count)
            && utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }) ? self : nil
    }
}
