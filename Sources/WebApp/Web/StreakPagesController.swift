import Domain
import Foundation
import Hummingbird
import Templates

/// The streak sections of `/settings`: day start and rest days, and planned breaks.
/// Each form swaps its own section in place; without JavaScript it posts and comes back
/// to `/settings` (or shows the page with the problem and the input kept).
struct StreakPagesController: Sendable {
    let accounts: AccountService
    let streaks: StreakService
    let views: Views

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.post("settings/streak") { request, context in
            let form = try await FormData.read(request, context: context)
            var problems = FieldErrors()
            let hour = AccountPagesController.number(form, "day_starts_at", &problems)
            let rest = RestDays.names.filter { form[$0] != nil }
            do {
                let updated = try await accounts.updateProfile(
                    user: context.user, timezone: nil, settings: SettingsChange(dayStartsAt: hour, restDays: rest), known: problems)
                if !context.isHXRequest { return WebResponse.redirect(to: "/settings", context: context) }
                let page = try await streaks.settingsPage(for: updated, session: context.signInSessionID)
                return try views.page("pages/settings", fragments: ["streak_form"], page.values(streak: page.streakValues(rules: updated.dayRules, saved: true, error: nil)), context: context)
            } catch let error as AppError where error.fields != nil {
                let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
                let message = (error.fields?["day_starts_at"].map { "Day start \($0)." } ?? "") + (error.fields?["rest_days"].map { " Rest days \($0)." } ?? "")
                var chosen = context.user.dayRules
                if let hour, DayRules.dayStartHours.contains(hour) { chosen.dayStartsAt = hour }
                chosen.restDays = RestDays(anyOf: rest)
                return try views.page(
                    "pages/settings", fragments: ["streak_form"], status: .unprocessableContent,
                    page.values(streak: page.streakValues(rules: chosen, saved: false, error: message.trimmingWhitespace)), context: context)
            }
        }
        router.post("settings/breaks") { request, context in
            let form = try await FormData.read(request, context: context)
            let input = Dictionary(uniqueKeysWithValues: SettingsPage.breakFields.map { ($0, form[$0] ?? "") })
            do {
                let planned = try await streaks.planBreak(
                    for: context.user, from: Self.present(form["from"]), to: Self.present(form["to"]), note: form["note"])
                if !context.isHXRequest { return WebResponse.redirect(to: "/settings", context: context) }
                return try await breaksSection(context, notice: "Break planned: \(planned.firstDay) to \(planned.lastDay).")
            } catch let error as AppError where error.fields != nil {
                let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
                return try views.page(
                    "pages/settings", fragments: ["breaks_section"], status: .unprocessableContent,
                    page.values(breakForm: input, breakFields: error.fields ?? [:]), context: context)
            }
        }
        router.post("settings/breaks/:id/cancel") { _, context in
            let id = try PathID.parse(context, notFound: .notFound)
            do {
                try await streaks.cancelBreak(for: context.user, id: id)
            } catch let error as AppError where error.status == .conflict {
                return try await breaksSection(context, notice: error.message, status: .conflict)
            }
            if !context.isHXRequest { return WebResponse.redirect(to: "/settings", context: context) }
            return try await breaksSection(context, notice: "Break cancelled.")
        }
    }

    /// The breaks section (or, without JavaScript, the whole page) with a message on top.
    private func breaksSection(_ context: AuthenticatedContext, notice: String, status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = try await streaks.settingsPage(for: context.user, session: context.signInSessionID)
        return try views.page("pages/settings", fragments: ["breaks_section"], status: status, page.values(breakNotice: notice), context: context)
    }

    /// A form field as the service takes it: nil when empty (so it is "required").
    private static func present(_ value: String?) -> String? {
        value.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 }
    }
}
