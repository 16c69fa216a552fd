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

    init(row: Row) throws {
        id = row["id"]
        userId = row["user_id"]
        kind = row["kind"]
        status = row["status"]
        taskId = row["task_id"]
        plannedSeconds = row["planned_seconds"]
        startedAt = row["started_at"]
        pausedAt = row["paused_at"]
        pausedSeconds = row["paused_seconds"]
        endedAt = row["ended_at"]
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
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var seconds: Double { endTime.timeIntervalSince(startTime) }
    var minutes: Int { Int(seconds / 60) }

    var zone: TimeZone { TimeZone(identifier: timezone) ?? .gmt }

    /// Same content as another submission of the same session id.
    func hasSameContent(as other: FocusSessionRecord) -> Bool {
        abs(startTime.timeIntervalSince(other.startTime)) < 0.001 && abs(endTime.timeIntervalSince(other.endTime)) < 0.001
            && timezone == other.timezone && taskId == other.taskId
    }
}

/// A row of `streaks`: the stored part of a user's streak (see ``StreakSummary``).
struct StreakRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "streaks"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var userId: Int64
    var lastRunLength: Int
    var longest: Int
    var qualifiedDays: Int
    var lastQualifiedDate: String?
    var milestones: Int

    init(userID: Int64, _ summary: StreakSummary) {
        userId = userID
        lastRunLength = summary.lastRunLength
        longest = summary.longest
        qualifiedDays = summary.qualifiedDays
        lastQualifiedDate = summary.lastQualifiedDate?.description
        milestones = summary.milestones
    }

    var summary: StreakSummary {
        StreakSummary(
            lastRunLength: lastRunLength, longest: longest, qualifiedDays: qualifiedDays,
            lastQualifiedDate: lastQualifiedDate.flatMap(LocalDate.init), milestones: milestones)
    }
}
