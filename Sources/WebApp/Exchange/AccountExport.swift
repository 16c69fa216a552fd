import Domain
import Foundation

/// The export document of SPEC §10, written in chunks: the header, then the tasks and
/// the sessions a page at a time, then the small parts. Memory holds one page, however
/// big the account.
///
/// Pages are separate reads, so a write made while an export runs may or may not be in
/// it; every item that exists from start to end is in it exactly once (pages go by id).
/// Timestamps carry milliseconds when they have any (as stored), so an import
/// reproduces each session to the millisecond.
struct AccountExport: Sendable {
    static let format = "focusquest-export"
    static let version = 1

    let database: any ExchangeStorage
    let userID: Int64
    let now: Date

    enum ExportError: Error { case noSuchUser }

    /// Calls `emit` with each chunk of the document in order.
    func write(_ emit: (_ bytes: [UInt8]) async throws -> Void) async throws {
        guard let extras = try await database.exportAccount(userID: userID) else { throw ExportError.noSuchUser }
        var head = JSONWriter(capacity: 4096)
        head.raw("{")
        head.key("format")
        head.string(Self.format)
        head.key("version")
        head.integer(Int64(Self.version))
        head.key("exported_at")
        head.preciseDate(now)
        head.key("account")
        head.object { json in
            json.field("username", extras.user.username)
            json.field("timezone", extras.user.timezone)
            json.key("settings")
            Self.settings(extras.user, into: &json)
            json.key("created_at")
            json.preciseDate(extras.user.createdAt)
        }
        head.key("settings_history")
        head.array(extras.history.changes) { json, change in
            json.object { json in
                json.field("effective_from", change.from.description)
                json.field("timezone", extras.user.timezone)
                json.field("day_starts_at", change.rules.dayStartsAt)
                json.key("rest_days")
                json.array(change.rules.restDays.names) { json, name in json.string(name) }
            }
        }
        head.key("tasks")
        head.raw("[")
        try await emit(head.bytes)

        var after: Int64 = 0
        var first = true
        while true {
            let page = try await database.exportTasks(userID: userID, after: after)
            guard let last = page.last else { break }
            var chunk = JSONWriter(capacity: page.count * 300)
            for task in page {
                if !first { chunk.raw(",") }
                first = false
                TaskAPIController.TaskJSON(task, preciseTimes: true).write(to: &chunk)
            }
            try await emit(chunk.bytes)
            after = last.taskID
        }
        var middle = JSONWriter()
        middle.raw("],")
        middle.key("sessions")
        middle.raw("[")
        try await emit(middle.bytes)

        after = 0
        first = true
        while true {
            let page = try await database.exportSessions(userID: userID, after: after)
            guard let last = page.last else { break }
            var chunk = JSONWriter(capacity: page.count * 300)
            for (session, title) in page {
                if !first { chunk.raw(",") }
                first = false
                Self.session(session, taskTitle: title, into: &chunk)
            }
            try await emit(chunk.bytes)
            after = last.session.id ?? after
        }

        var tail = JSONWriter(capacity: 4096)
        tail.raw("],")
        tail.key("breaks")
        tail.array(extras.breaks) { json, record in
            json.object { json in
                json.field("from", record.firstDay)
                json.field("to", record.lastDay)
                json.field("note", record.note)
            }
        }
        tail.key("kv")
        tail.raw("{")
        for (index, entry) in extras.keyValues.enumerated() {
            if index > 0 { tail.raw(",") }
            tail.string(entry.key)
            tail.raw(":")
            tail.raw(entry.json)
        }
        tail.raw("}")
        tail.key("friends")
        tail.array(extras.friends) { json, name in json.string(name) }
        tail.raw("}")
        try await emit(tail.bytes)
    }

    static func settings(_ user: UserRecord, into json: inout JSONWriter) {
        json.object { json in
            json.field("day_starts_at", user.dayStartsAt)
            json.field("focus_minutes", user.focusMinutes)
            json.field("long_break_every", user.longBreakEvery)
            json.field("long_break_minutes", user.longBreakMinutes)
            json.key("rest_days")
            json.array(RestDays(mask: user.restDays).names) { json, name in json.string(name) }
            json.field("short_break_minutes", user.shortBreakMinutes)
        }
    }

    static func session(_ session: FocusSessionRecord, taskTitle: String?, into json: inout JSONWriter) {
        json.object { json in
            json.key("end_time")
            json.preciseDate(session.endTime)
            json.field("full_pomodoro", session.fullPomodoro)
            json.field("kind", session.plannedSeconds == nil ? "api" : "timer")
            json.field("minutes", session.minutes)
            json.field("planned_minutes", session.plannedSeconds.map { $0 / 60 })
            json.field("session_id", session.sessionId)
            json.key("start_time")
            json.preciseDate(session.startTime)
            json.field("task_id", session.taskId)
            json.field("task_title", taskTitle)
            json.field("timezone", session.timezone)
        }
    }
}
