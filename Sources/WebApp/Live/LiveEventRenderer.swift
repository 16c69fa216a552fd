import Foundation
import Logging

/// The data of the live events (SPEC §12), read as things are now: `timer` is what
/// `GET /timer` answers, `progress` today's minutes, the current streak, XP and level,
/// `tasks` the changed ids, `friends` nothing; `sync` is timer, next and progress at once.
/// An event caused by a page window's request also names it (`by`, an extra field).
struct LiveEventRenderer: Sendable {
    let focus: FocusService
    let database: any AccountStorage
    let logger: Logger

    struct ProgressJSON: Encodable {
        let todayMinutes: Int
        let streak: Int
        let xp: Int
        let level: Int
    }

    struct SyncJSON: Encodable {
        @NullWhenAbsent var timer: TimerJSON?
        let next: TimerStateJSON.Next
        let progress: ProgressJSON
    }

    /// The events a batch of one user's changes makes (a failed read is logged and sends
    /// nothing: the next change or reconnect brings the state).
    func events(userID: Int64, changes: [LiveChange]) async -> [LiveEvent] {
        do {
            guard let user = try await database.user(id: userID) else { return [] }
            let topics = Set(changes.map(\.topic))
            var events: [LiveEvent] = []
            if topics.contains(.timer) { events.append(LiveEvent(name: "timer", data: try json(try await timerState(user)))) }
            if topics.contains(.tasks) {
                let ids = Array(Set(changes.flatMap(\.taskIDs))).sorted()
                events.append(LiveEvent(name: "tasks", data: try json(["ids": ids])))
            }
            if topics.contains(.progress) { events.append(LiveEvent(name: "progress", data: try json(try await progress(user)))) }
            if topics.contains(.friends) { events.append(LiveEvent(name: "friends", data: "{}")) }
            guard let origin = changes.first?.origin, changes.allSatisfy({ $0.origin == origin }) else { return events }
            return events.map { LiveEvent(name: $0.name, data: Self.stamped($0.data, by: origin)) }
        } catch {
            logger.warning("live events not rendered", metadata: ["user_id": "\(userID)", "error": "\(error)"])
            return []
        }
    }

    /// The first event of every stream.
    func sync(for user: UserRecord) async throws -> LiveEvent {
        let state = try await timerState(user)
        return LiveEvent(name: "sync", data: try json(SyncJSON(timer: state.timer, next: state.next, progress: try await progress(user))))
    }

    private func timerState(_ user: UserRecord) async throws -> TimerStateJSON {
        let state = try await focus.timer(for: user)
        return TimerStateJSON(timer: state.live.map { TimerJSON($0, now: focus.clock.now) }, next: .init(kind: state.next.kind, minutes: state.next.minutes))
    }

    private func progress(_ user: UserRecord) async throws -> ProgressJSON {
        let streak = try await focus.streak(for: user)
        // Read again: reading the timer just before may have settled one that ran out,
        // which awards its XP.
        let fresh = try await focus.current(user)
        return ProgressJSON(todayMinutes: streak.todayMinutes, streak: streak.status.current, xp: fresh.xp, level: fresh.level)
    }

    /// A JSON object with `"by": origin` added (the window that made the change; names
    /// are base64url, nothing to escape).
    static func stamped(_ object: String, by origin: String) -> String {
        let field = #""by":"\#(origin)""#
        return object == "{}" ? "{\(field)}" : String(object.dropLast()) + ",\(field)}"
    }

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try APIResponse.encoder.encode(value), as: UTF8.self)
    }
}
