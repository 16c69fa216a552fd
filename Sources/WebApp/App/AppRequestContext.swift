import Hummingbird
import NIOCore

/// Per-request state every route sees: request id, the client's address, the signed-in
/// user (loaded once), the CSRF token, and whether the browser's script sent the request.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var requestID = ""
    var clientIP: String
    var user: UserRecord?
    /// The sign-in session of the request's cookie or login token (not of a personal
    /// access token, which has none).
    var signInSessionID: Int64?
    var csrfToken = ""
    var isHXRequest = false
    /// The request's path, for the navigation's `aria-current`.
    var path = ""
    /// Friend requests waiting for the signed-in user (pages only), for the navigation.
    var incomingFriendRequests = 0
    /// The route's page, when it was read with the user (``SignedInReads``).
    var signedInPage: SignedInPage?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientIP = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Bodies over the limit are refused with 413 when read.
    var maxUploadSize: Int { BodyLimit.bytes }

    mutating func signIn(_ user: UserRecord, session: Int64?, incomingRequests: Int = 0) {
        self.user = user
        signInSessionID = session
        incomingFriendRequests = incomingRequests
    }
}

/// The context of routes that need a signed-in user: the group's context type makes a
/// route without authentication a compile error, not a forgotten check.
struct AuthenticatedContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let user: UserRecord
    let signInSessionID: Int64?
    let csrfToken: String
    let isHXRequest: Bool
    let clientIP: String
    let path: String
    let incomingFriendRequests: Int
    /// The route's page, when it was read with the user (``SignedInReads``).
    let signedInPage: SignedInPage?

    init(context: AppRequestContext) throws {
        guard let user = context.user else { throw AppError.notAuthenticated }
        coreContext = context.coreContext
        requestID = context.requestID
        self.user = user
        signInSessionID = context.signInSessionID
        csrfToken = context.csrfToken
        isHXRequest = context.isHXRequest
        clientIP = context.clientIP
        path = context.path
        incomingFriendRequests = context.incomingFriendRequests
        signedInPage = context.signedInPage
    }

    var maxUploadSize: Int { BodyLimit.bytes }
}

/// What pages need from either context.
protocol PageContext: RequestContext {
    var signedInUser: UserRecord? { get }
    var csrfToken: String { get }
    var isHXRequest: Bool { get }
    var requestID: String { get }
    var path: String { get }
    var incomingFriendRequests: Int { get }
}

extension AppRequestContext: PageContext {
    var signedInUser: UserRecord? { user }
}

extension AuthenticatedContext: PageContext {
    var signedInUser: UserRecord? { user }
}

/// Routes for admins only: any other signed-in user gets 403.
struct AdminContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let requestID: String
    let admin: UserRecord
    let csrfToken: String
    let isHXRequest: Bool
    let clientIP: String
    let path: String
    let incomingFriendRequests: Int

    init(context: AuthenticatedContext) throws {
        guard context.user.isAdmin else { throw AppError.forbidden }
        coreContext = context.coreContext
        requestID = context.requestID
        clientIP = context.clientIP
        admin = context.user
        csrfToken = context.csrfToken
        isHXRequest = context.isHXRequest
        path = context.path
        incomingFriendRequests = context.incomingFriendRequests
    }

    var maxUploadSize: Int { BodyLimit.bytes }
}

extension AdminContext: PageContext {
    var signedInUser: UserRecord? { admin }
}
