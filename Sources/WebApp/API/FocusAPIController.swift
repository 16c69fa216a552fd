import Domain
import Foundation
import Hummingbird

/// `/api/v1/timer*`, `/api/v1/sessions`, `/api/v1/streak`, `/api/v1/stats/daily`.
struct FocusAPIController: Sendable {
    let focus: FocusService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("timer") { _, context in
            let state = try await focus.timer(for: context.user)
            return try APIResponse.json(TimerStateJSON(timer: state.live.map { TimerJSON($0, now: focus.clock.now) }, next: .init(kind: state.next.kind, minutes: state.next.minutes)))
        }
        api.post("timer/start") { request, context in
            var body = try await JSONBody.readOptional(request, context: context)
            let (kind, taskID, minutes) = (body.string("kind"), body.identifier("task_id"), body.integer("minutes"))
            try body.checked()
            let timer = try await focus.start(for: context.user, kind: kind, taskID: taskID, minutes: minutes)
            return try APIResponse.json(TimerJSON(timer, now: focus.clock.now), status: .created)
        }
        for action in [TimerAction.pause, .resume, .complete, .cancel] {
            api.post("timer/\(action.rawValue)") { _, context in
                try APIResponse.json(TimerJSON(try await focus.act(action, for: context.user), now: focus.clock.now))
            }
        }
        api.post("sessions") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let (sessionID, start, end) = (body.string("session_id", required: true), body.date("start_time", required: true), body.date("end_time", required: true))
            let (timezone, taskID) = (body.string("timezone"), body.identifier("task_id"))
            guard let sessionID, let start, let end, body.problems.isEmpty else { throw AppError.validation(body.problems) }
            let outcome = try await focus.submit(for: context.user, sessionID: sessionID, start: start, end: end, timezone: timezone, taskID: taskID)
            let streak = StreakJSON(try await focus.streak(for: context.user))
            switch outcome {
            case .created(let session): return try APIResponse.json(SessionEnvelope(session: SessionJSON(session), streak: streak), status: .created)
            case .replayed(let session): return try APIResponse.json(SessionEnvelope(session: SessionJSON(session), streak: streak), status: .ok)
            }
        }
        api.get("sessions") { request, context in
            let query = FormData(query: request)
            let sessions = try await focus.sessions(for: context.user, from: query["from"], to: query["to"])
            return try APIResponse.json(["items": sessions.map(SessionJSON.init)])
        }
        api.get("streak") { _, context in
            try APIResponse.json(StreakJSON(try await focus.streak(for: context.user)))
        }
        api.get("stats/daily") { request, context in
            let raw = FormData(query: request).present("days")
            let days = raw.map { Int($0) } ?? 7
            guard let days, (1...366).contains(days) else { throw AppError.validation("days", "must be 1 to 366") }
            let daily = try await focus.daily(for: context.user, days: days)
            return try APIResponse.json(["days": daily.map { DayJSON(date: $0.date.description, minutes: $0.minutes) }])
        }
    }
}

struct TimerJSON: Encodable {
    let id: Int64
    let kind: TimerKind
    let status: TimerStatus
    @NullWhenAbsent var taskId: Int64?
    let plannedMinutes: Int
    let startedAt: Date
    @NullWhenAbsent var endsAt: Date?
    let focusedSeconds: Int
    let remainingSeconds: Int

    init(_ record: TimerRecord, now: Date) {
        let timer = record.timer
        id = record.id ?? 0
        kind = record.kind
        status = record.status
        taskId = record.taskId
        plannedMinutes = record.plannedSeconds / 60
        startedAt = record.startedAt
        endsAt = timer.plannedEnd ?? timer.endedAt
        focusedSeconds = Int(timer.focusedSeconds(at: now))
        remainingSeconds = Int(timer.remainingSeconds(at: now).rounded(.up))
    }
}

struct TimerStateJSON: Encodable {
    struct Next: Encodable {
        let kind: TimerKind
        let minutes: Int
    }
    @NullWhenAbsent var timer: TimerJSON?
    let next: Next
}

struct SessionJSON: Encodable {
    let sessionId: String
    let startTime: Date
    let endTime: Date
    let timezone: String
    @NullWhenAbsent var taskId: Int64?
    let minutes: Int

    init(_ session: FocusSessionRecord) {
        sessionId = session.sessionId
        startTime = session.startTime
        endTime = session.endTime
        timezone = session.timezone
        taskId = session.taskId
        minutes = session.minutes
    }
}

struct StreakJSON: Encodable {
    let current: Int
    let longest: Int
    let qualifiedDays: Int
    @NullWhenAbsent var lastQualifiedDate: String?
    let todayMinutes: Int
    let qualifyMinutes: Int
    let freezesHeld: Int
    let freezesUsed: Int
    let restDays: [String]
    let dayStartsAt: Int
    let nextMilestoneAt: Int

    init(_ view: FocusService.StreakView) {
        let status = view.status
        current = status.current
        longest = status.longest
        qualifiedDays = status.qualifiedDays
        lastQualifiedDate = status.lastQualifiedDate?.description
        todayMinutes = view.todayMinutes
        qualifyMinutes = view.qualifyMinutes
        freezesHeld = status.freezesHeld
        freezesUsed = status.freezesUsed
        restDays = view.rules.restDays.names
        dayStartsAt = view.rules.dayStartsAt
        nextMilestoneAt = status.nextMilestoneAt
    }

    enum CodingKeys: CodingKey {
        case current, longest, qualifiedDays, lastQualifiedDate, todayMinutes, qualifyMinutes, freezesHeld, freezesUsed, restDays, dayStartsAt, nextMilestoneAt
    }
}

struct SessionEnvelope: Encodable {
    let session: SessionJSON
    let streak: StreakJSON
}

struct DayJSON: Encodable {
    let date: String
    let minutes: Int
}
