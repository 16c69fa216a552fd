import Hummingbird

/// What a request read together with its sign-in check, for its route (``SessionRead``).
enum SignedInPage: Sendable {
    /// A full `GET /dashboard`'s tasks and panels (the totals of the days any user's
    /// heatmap can show: ``FocusService/dashboard(_:for:tasks:)`` keeps the user's).
    case dashboard(DashboardRead)
    /// `GET /api/v1/tasks`'s page.
    case tasks(TaskPage)
}

/// The requests that read their page with their user: the two that signed-in people make
/// most, the full dashboard and the API's task list, as first loaded (no status or search
/// filter: ``TaskQuery/isPlain``). Their middleware reads the page in the same read as the
/// user (one round trip on PostgreSQL instead of two: ``SessionRead``) and the route shows
/// what was read. Every other request — these with a filter, or with a query their route
/// refuses (it answers that) — reads its user alone, as before.
struct SignedInReads: Sendable {
    let focus: FocusService
    let tasks: TaskService

    typealias Read = (_ userID: Int64, _ session: Int64) async throws -> SessionRead<SignedInPage>?

    /// The read of `request`'s page with its user, or nil when it has none.
    func read(for request: Request, context: AppRequestContext) -> Read? {
        guard request.method == .get else { return nil }
        switch request.uri.path {
        case "/dashboard" where !context.isHXRequest:
            guard let query = try? DashboardController.taskQuery(request), query.isPlain else { return nil }
            return { [focus] userID, session in try await focus.dashboard(userID: userID, session: session, tasks: query)?.map(SignedInPage.dashboard) }
        case "/api/v1/tasks":
            guard let query = try? TaskAPIController.taskQuery(request), query.isPlain else { return nil }
            return { [tasks] userID, session in try await tasks.page(userID: userID, session: session, query)?.map(SignedInPage.tasks) }
        default:
            return nil
        }
    }
}
