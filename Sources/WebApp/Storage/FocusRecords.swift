import Domain
import Foundation
import GRDB

extension TimerKind: DatabaseValueConvertible {}
extension TimerStatus: DatabaseValueConvertible {}

/// A row of `timers`.
struct TimerRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "timers"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var userId: Int64
    var kind: TimerKind
    var status: TimerStatus
    var taskId: Int64?
    var plannedSeconds: Int
    var startedAt: Date
    var pausedAt: Date?
    var pausedSeconds: Double
    var endedAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The columns in table order; queries name them so rows decode by position.
    static let columns = "id, user_id, kind, status, task_id, planned_seconds, started_at, paused_at, paused_seconds, ended_at"

    /// How many recent timers suggest the next one (enough to reach back past a long break).
    static let recentCount = 30
    /// A user's most recent timers, newest first (`?1`: the user).
    static let recentSQL = "SELECT \(columns) FROM timers WHERE user_id = ?1 ORDER BY id DESC LIMIT \(recentCount)"
    static let liveSQL = "SELECT \(columns) FROM timers WHERE user_id = ? AND status IN ('running', 'paused')"
    static let latestSQL = "SELECT \(columns) FROM timers WHERE user_id = ? ORDER BY id DESC LIMIT 1"

    init(row: Row) throws {
        try self.init(row: row, from: 0)
    }

    /// The timer whose columns start at `base` (for rows that carry more than a timer).
    init(row: Row, from base: Int) throws {
        id = row[base]
        userId = row[base + 1]
        kind = try row.storedEnum(base + 2)
        status = try row.storedEnum(base + 3)
        taskId = row[base + 4]
        plannedSeconds = row[base + 5]
        startedAt = row.storedDate(base + 6) ?? .distantPast
        pausedAt = row.storedDate(base + 7)
        pausedSeconds = row[base + 8]
        endedAt = row.storedDate(base + 9)
    }

    init(userID: Int64, _ timer: FocusTimer) {
        userId = userID
        kind = timer.kind
        status = timer.status
        taskId = timer.taskID
        plannedSeconds = timer.plannedSeconds
        startedAt = timer.startedAt
        pausedAt = timer.pausedAt
        pausedSeconds = timer.pausedSeconds
        endedAt = timer.endedAt
    }

    var timer: FocusTimer {
        FocusTimer(kind: kind, status: status, taskID: taskId, plannedSeconds: plannedSeconds, startedAt: startedAt, pausedAt: pausedAt, pausedSeconds: pausedSeconds, endedAt: endedAt)
    }

    /// This row with the timer's new state.
    func with(_ timer: FocusTimer) -> TimerRecord {
        var copy = TimerRecord(userID: userId, timer)
        copy.id = id
        return copy
    }
}

/// A row of `focus_sessions`: focused time between two instants, counted on the local
/// days of its own time zone.
struct FocusSessionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "focus_sessions"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var userId: Int64
    var sessionId: String
    var startTime: Date
    var endTime: Date
    var timezone: String
    var taskId: Int64?
    var fullPomodoro: Bool
    /// The timer's planned length for sessions a timer recorded; nil for API sessions.
    var plannedSeconds: Int?
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var seconds: Double { endTime.timeIntervalSince(startTime) }
    var minutes: Int { Int(seconds / 60) }

    /// The XP this session earns (SPEC §4).
    var xp: Int { FocusXP.forSession(seconds: seconds, fullPomodoroSeconds: fullPomodoro ? plannedSeconds : nil) }

    var zone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }

    /// Same content as another submission of the same session id.
    func hasSameContent(as other: FocusSessionRecord) -> Bool {
        hasSameTimes(as: other) && taskId == other.taskId
    }

    /// Same instants and time zone (an import compares these: its task ids are mapped).
    func hasSameTimes(as other: FocusSessionRecord) -> Bool {
        abs(startTime.timeIntervalSince(other.startTime)) < 0.001 && abs(endTime.timeIntervalSince(other.endTime)) < 0.001
            && timezone == other.timezone
    }
}

extension TimerRecord {
    /// The session a completed focus timer becomes (either backend records it): its
    /// focused time, ending when the timer ended, idempotent by the timer's id; nil for
    /// breaks, timers not ended, and timers with no focused time.
    func completedSession(timezone: String, now: Date) -> FocusSessionRecord? {
        let timer = self.timer
        guard timer.kind == .focus, let end = timer.endedAt else { return nil }
        let focused = timer.focusedSeconds(at: end)
        guard focused > 0 else { return nil }
        return FocusSessionRecord(
            userId: userId, sessionId: "timer-\(id ?? 0)", startTime: end.addingTimeInterval(-focused), endTime: end,
            timezone: timezone, taskId: timer.taskID, fullPomodoro: timer.isFullLength, plannedSeconds: timer.plannedSeconds, createdAt: now)
    }
}
