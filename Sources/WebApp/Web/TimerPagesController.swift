import Domain
import Foundation
import Hummingbird
import Templates

/// The dashboard's timer panel: start, pause/resume, complete, cancel, and a refresh the
/// page's script asks for when the countdown ends or the tab becomes visible again.
/// Each answers with the panel plus the progress panel and header stats (out of band);
/// without the script each is a form post and a 303 back to the dashboard.
struct TimerPagesController: Sendable {
    let focus: FocusService
    let views: Views

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("timer/panel") { request, context in
            let running = FormData(query: request)["running"].flatMap(Int64.init)
            let dashboard = try await focus.dashboard(for: context.user)
            let ended = running != nil && dashboard.timer.live?.id != running
            return try await panels(dashboard, context: context, completed: ended ? try await focus.lastTimer(of: context.user) : nil)
        }
        router.post("timer/start") { request, context in
            let form = try await FormData.read(request, context: context)
            let taskID = form["task_id"].flatMap { Int64($0) }
            let minutesText = (form["minutes"] ?? "").trimmingWhitespace
            do {
                let known = minutesText.isEmpty || Int(minutesText) != nil ? FieldErrors() : FieldErrors(["minutes": "must be a whole number"])
                _ = try await focus.start(for: context.user, kind: form["kind"], taskID: taskID, minutes: Int(minutesText), known: known)
            } catch let error as AppError where error.fields != nil {
                guard context.isHXRequest else { throw error }
                let dashboard = try await focus.dashboard(for: context.user)
                var values = FocusPanels.values(dashboard, user: context.user, now: focus.clock.now)
                values["minutes"] = .string(minutesText)
                values["start_error"] = .string(Self.sentences(error))
                values["oob"] = false
                return try views.fragments("pages/dashboard", ["timer_panel"], status: .unprocessableContent, values, context: context)
            }
            guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
            return try await panels(try await focus.dashboard(for: context.user), context: context, completed: nil)
        }
        for action in [TimerAction.pause, .resume, .complete, .cancel] {
            router.post("timer/\(action.rawValue)") { _, context in
                let timer = try await focus.act(action, for: context.user)
                guard context.isHXRequest else { return WebResponse.redirect(to: "/dashboard", context: context) }
                return try await panels(try await focus.dashboard(for: context.user), context: context, completed: timer.status == .completed ? timer : nil)
            }
        }
    }

    /// The timer panel, with the progress panel and header stats out of band; a completed timer also triggers `timer-completed` for the page's
    /// notification and sound.
    private func panels(_ dashboard: FocusService.Dashboard, context: AuthenticatedContext, completed: TimerRecord?) async throws -> Response {
        let user = try await focus.current(context.user)
        var values = FocusPanels.values(dashboard, user: user, now: focus.clock.now)
        if let completed { values["timer_notice"] = FocusPanels.notice(for: completed, away: false) }
        values["user"] = AccountPagesController.userValues(user)
        values["oob"] = false
        var bytes = try views.render("pages/dashboard", ["timer_panel"], values, context: context)
        values["oob"] = true
        bytes += try views.render("pages/dashboard", ["progress_panel", "user_stats"], values, context: context)
        var response = Views.html(bytes, status: .ok)
        if let completed {
            response.headers[.hxTrigger] = #"{"timer-completed":{"kind":"\#(completed.kind.rawValue)"}}"#
        }
        return response
    }

    /// A start form's problems as sentences people read: "The task can only be named by a
    /// focus timer, not a break."
    static func sentences(_ error: AppError) -> String {
        let subjects = ["task_id": "The task", "minutes": "Minutes", "kind": "The kind"]
        guard let fields = error.fields else { return error.message }
        return fields.sorted { $0.key < $1.key }.map { "\(subjects[$0.key] ?? $0.key.capitalized) \($0.value)." }.joined(separator: " ")
    }
}
