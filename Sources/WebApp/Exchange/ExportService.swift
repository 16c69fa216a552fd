import Domain
import Foundation
import Hummingbird

/// Downloads of SPEC §10: the whole account as JSON, tasks and sessions as CSV. Each is
/// streamed a page at a time (``AccountExport``), so memory stays flat.
///
/// Sessions CSV: without `from`/`to` every session; with them, the range rules of
/// `GET /sessions` (both dates, at most 366 days, sessions with time on those local days).
struct ExportService: Sendable {
    let database: any ExchangeStorage
    let clock: any WallClock

    func json(for user: UserRecord) -> Response {
        let export = AccountExport(database: database, userID: user.userID, now: clock.now)
        return Self.download(type: "application/json", filename: filename(user, "json")) { emit in
            try await export.write(emit)
        }
    }

    static let taskColumns = [
        "id", "title", "description", "status", "estimate_pomodoros", "total_minutes", "pomodoros", "created_at", "updated_at", "completed_at",
    ]
    static let sessionColumns = ["session_id", "start_time", "end_time", "timezone", "task_id", "task_title", "minutes"]

    func tasksCSV(for user: UserRecord) -> Response {
        let database = database
        let userID = user.userID
        return Self.download(type: "text/csv; charset=utf-8", filename: filename(user, "tasks.csv")) { emit in
            try await emit(Array(CSV.record(Self.taskColumns).utf8))
            var after: Int64 = 0
            while true {
                let page = try await database.exportTasks(userID: userID, after: after)
                guard let last = page.last else { break }
                let text = page.map { task in
                    CSV.record([
                        String(task.taskID), task.title, task.description, task.status.rawValue, task.estimatePomodoros.map(String.init) ?? "",
                        String(task.totalMinutes), String(task.pomodoros), RFC3339.string(task.createdAt), RFC3339.string(task.updatedAt),
                        task.completedAt.map(RFC3339.string) ?? "",
                    ])
                }.joined()
                try await emit(Array(text.utf8))
                after = last.taskID
            }
        }
    }

    func sessionsCSV(for user: UserRecord, from rawFrom: String?, to rawTo: String?) async throws -> Response {
        let days = rawFrom == nil && rawTo == nil ? nil : try DayRangeQuery.parse(from: rawFrom, to: rawTo)
        let rules = try await database.dayRules(userID: user.userID)
        let database = database
        let userID = user.userID
        // Sessions last at most a day, so those with time on the range start within a day or two of it.
        let earliest = days.map { $0.lowerBound.start(in: .gmt).addingTimeInterval(-2 * 86_400) }
        let latest = days.map { $0.upperBound.adding(days: 1).start(in: .gmt).addingTimeInterval(86_400) }
        return Self.download(type: "text/csv; charset=utf-8", filename: filename(user, "sessions.csv")) { emit in
            try await emit(Array(CSV.record(Self.sessionColumns).utf8))
            var after: Int64 = 0
            while true {
                let page = try await database.exportSessions(userID: userID, after: after, from: earliest, to: latest)
                guard let last = page.last else { break }
                let text = page.filter { session, _ in
                    guard let days else { return true }
                    return rules.split(start: session.startTime, end: session.endTime, in: session.zone).contains { days.contains($0.day) }
                }.map { session, title in
                    CSV.record([
                        session.sessionId, RFC3339.string(session.startTime), RFC3339.string(session.endTime), session.timezone,
                        session.taskId.map { String($0) } ?? "", title ?? "", String(session.minutes),
                    ])
                }.joined()
                try await emit(Array(text.utf8))
                after = last.session.id ?? after
            }
        }
    }

    private func filename(_ user: UserRecord, _ suffix: String) -> String {
        "focusquest-\(user.username.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })-\(user.today(at: clock.now)).\(suffix)"
    }

    /// A streamed attachment: `produce` emits the body's chunks in order.
    private static func download(
        type: String, filename: String, _ produce: @escaping @Sendable (_ emit: (_ bytes: [UInt8]) async throws -> Void) async throws -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                try await produce { bytes in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            })
    }
}
