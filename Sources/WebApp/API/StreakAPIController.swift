import Domain
import Foundation
import Hummingbird

/// `/api/v1/streak/calendar` and `/api/v1/breaks*` (SPEC §9).
struct StreakAPIController: Sendable {
    let streaks: StreakService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("streak/calendar") { request, context in
            let query = FormData(query: request)
            let days = try await streaks.calendar(for: context.user, from: query["from"], to: query["to"])
            return try APIResponse.json(["days": days.map { CalendarDayJSON(date: $0.day.description, minutes: $0.minutes, state: $0.state.rawValue) }])
        }
        api.get("breaks") { _, context in
            try APIResponse.json(["items": try await streaks.breaks(for: context.user).map(BreakJSON.init)])
        }
        api.post("breaks") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (from, to, note) = (body.string("from", required: true), body.string("to", required: true), body.string("note"))
            let planned = try await streaks.planBreak(for: context.user, from: from, to: to, note: note, known: body.problems)
            return try APIResponse.json(BreakJSON(planned), status: .created)
        }
        api.delete("breaks/:id") { _, context in
            try await streaks.cancelBreak(for: context.user, id: try PathID.parse(context, notFound: .notFound))
            return Response(status: .noContent)
        }
    }
}

struct CalendarDayJSON: Encodable {
    let date: String
    let minutes: Int
    let state: String
}

struct BreakJSON: Encodable {
    let id: Int64
    let from: String
    let to: String
    @NullWhenAbsent var note: String?

    init(_ record: BreakRecord) {
        id = record.id ?? 0
        from = record.firstDay
        to = record.lastDay
        note = record.note
    }
}
