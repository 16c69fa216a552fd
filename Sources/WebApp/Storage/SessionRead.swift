import Foundation

/// A signed-in request's user and its page, from one read: the user of the request's
/// sign-in session (with the session's last-seen time, and for pages the friend requests
/// waiting for the navigation) beside what the route shows. On PostgreSQL that is one
/// statement instead of two, and every statement is a round trip (~130 µs of the app's
/// CPU here); on SQLite one read transaction instead of two.
///
/// A storage read returns nil when the session or the user is gone. The page is read
/// before the user is admitted (enabled, token version current): the caller admits first
/// and drops the page of a user it refuses.
struct SessionRead<Page: Sendable>: Sendable {
    var user: UserRecord
    var lastSeen: Date
    /// Friend requests waiting for the user (read for pages; 0 for the API).
    var incomingRequests: Int
    var page: Page
}

/// The dashboard's reads as one moment: a page of tasks and the focus panels.
struct DashboardRead: Sendable {
    var tasks: TaskPage
    var panels: ProgressSnapshot
}

extension SessionRead {
    /// The same user with the page transformed.
    func map<Other>(_ transform: (Page) -> Other) -> SessionRead<Other> {
        SessionRead<Other>(user: user, lastSeen: lastSeen, incomingRequests: incomingRequests, page: transform(page))
    }
}
