import Foundation
import Hummingbird
import NIOCore
import Logging
import Domain
import Templates

/// Turns any error into the response its caller expects: the JSON error object on
/// `/api/`, a styled page (or a fragment for script requests) everywhere else, and a
/// redirect to the login page when a browser is not signed in. Unexpected errors are
/// logged with the request id and shown without internals. A page that does not exist
/// still knows who is signed in (its navigation is theirs).
struct ErrorRenderer: Sendable {
    let views: Views
    let logger: Logger
    let accounts: AccountService

    func response(for thrown: any Error, request: Request, context: AppRequestContext) async -> Response {
        var context = context
        var error = thrown
        if let page = thrown as? PageError {
            page.restore(into: &context)
            error = page.underlying
        }
        let appError = classify(error, requestID: context.requestID)
        if appError.status == .notFound, !(thrown is PageError), !request.uri.path.hasPrefix("/api/"),
            let token = CookieHeader.value(WebSessionMiddleware.sessionCookie, in: request)
        {
            // No route matched, so the session middleware did not run: read the session here.
            let signedIn = try? await accounts.authenticatePage(accessToken: token)
            context.user = signedIn?.user
            context.incomingFriendRequests = signedIn?.incomingRequests ?? 0
            context.csrfToken = CookieHeader.value(WebSessionMiddleware.csrfCookie, in: request)?.nilIfInvalidToken ?? ""
        }
        if request.uri.path.hasPrefix("/api/") {
            return APIResponse.error(appError, requestID: context.requestID)
        }
        if appError.code == AppError.notAuthenticated.code {
            // Back to the page first asked for after signing in (GETs only: a form post
            // cannot be replayed by a redirect).
            let next = request.method == .get ? ReturnPath.after(request.uri.path, query: request.uri.query) : nil
            return WebResponse.redirect(to: QueryString.link("/login", [("next", next ?? "")]), context: context)
        }
        var response: Response
        do {
            response = try views.page(
                "pages/error", fragments: ["error_panel"], status: appError.status,
                ["status": .int(Int(appError.status.code)), "title": .string(Self.title(appError.status)), "message": .string(appError.message)],
                context: context)
        } catch {
            logger.error("error page failed", metadata: ["request_id": .string(context.requestID), "error": .string("\(error)")])
            response = Response(status: appError.status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: appError.message)))
        }
        if context.isHXRequest { response.headers[.hxRetarget] = "#flash" }
        if let retryAfter = appError.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        response.headers.append(contentsOf: appError.headers)
        return response
    }

    func classify(_ error: any Error, requestID: String) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case is PasswordHasher.Overloaded:
            return .overloaded
        case TimerError.noActiveTimer:
            return AppError(.conflict, "no_active_timer", "There is no running or paused timer.")
        case TimerError.invalidTransition(let from, let action):
            return AppError(.conflict, "invalid_transition", "A \(from.rawValue) timer cannot \(action).")
        case FocusConflict.timerAlreadyRunning:
            return AppError(.conflict, "timer_already_running", "A timer is already running; finish or cancel it first.")
        case FocusConflict.sessionIDReused:
            return AppError(.conflict, "session_conflict", "This session_id was already used for a different session.")
        case is NIOTooManyBytesError:
            // A body read with `collect(upTo:)` that went past its limit (a chunked body
            // has no length for the body-limit middleware to refuse up front).
            return .tooLarge
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound
            case .contentTooLarge: return .tooLarge
            case .methodNotAllowed: return AppError(.methodNotAllowed, "method_not_allowed", "That method is not allowed here.")
            case .badRequest: return AppError(.badRequest, "bad_request", error.body ?? "The request is malformed.")
            default: return AppError(error.status, "http_error", error.body ?? error.status.reasonPhrase)
            }
        default:
            logger.error("unexpected error", metadata: ["request_id": .string(requestID), "error": .string(String(reflecting: error))])
            return AppError(.internalServerError, "internal_error", "Something went wrong on our side. The request id helps us find it.")
        }
    }

    private static func title(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 403: "Not allowed"
        case 404: "Page not found"
        case 429: "Slow down"
        case 500...: "Something went wrong"
        default: status.reasonPhrase
        }
    }
}

/// Redirects that work with and without the page script.
enum WebResponse {
    /// 303 for plain browsers; for script requests `HX-Redirect` so the whole page moves.
    static func redirect(to location: String, context: some PageContext) -> Response {
        if context.isHXRequest {
            return Response(status: .noContent, headers: [.hxRedirect: location, .vary: "HX-Request"])
        }
        return Response(status: .seeOther, headers: [.location: location, .vary: "HX-Request"])
    }
}
