import Domain
import Foundation

/// What an import file holds, every row validated: the input of one import transaction
/// (``ExchangeStorage/applyImport(_:userID:dryRun:qualifySeconds:now:progress:)``).
struct ImportPlan: Sendable {
    struct Task: Sendable {
        /// The task's id in the file (a FocusQuest export), which its sessions name.
        let fileID: Int64?
        let content: TaskContent
        let status: TaskStatus
        let createdAt: Date
        let updatedAt: Date
        let completedAt: Date?
    }

    /// The task a session belongs to: a task of the file, or (Toggl) a title.
    enum TaskReference: Sendable, Equatable {
        case file(Int64)
        case title(String)
    }

    struct Session: Sendable {
        let row: Int
        let field: String
        let sessionID: String
        let start: Date
        let end: Date
        let timezone: String
        let task: TaskReference?
        let fullPomodoro: Bool
        let plannedSeconds: Int?
    }

    struct Break: Sendable {
        let row: Int
        let days: ClosedRange<LocalDate>
        let note: String?
    }

    struct SettingsChange: Sendable {
        let change: DayRuleChange
        let timezone: String
    }

    var tasks: [Task] = []
    var sessions: [Session] = []
    var breaks: [Break] = []
    var keyValues: [(key: String, json: Data)] = []
    var settingsHistory: [SettingsChange] = []
}

/// One problem of an import file: the 1-based data row (CSV) or item of the array
/// `field` names (FocusQuest file), nil for the file as a whole.
struct ImportProblem: Sendable, Equatable, Encodable {
    @NullWhenAbsent var row: Int?
    let field: String
    let problem: String
}

/// Every problem found in an import file (at most ``listed`` are reported).
struct ImportProblems: Error, Sendable {
    static let listed = 100
    var items: [ImportProblem] = []

    mutating func add(_ row: Int?, _ field: String, _ problem: String) {
        items.append(ImportProblem(row: row, field: field, problem: problem))
    }

    var isEmpty: Bool { items.isEmpty }
}

/// What an import did (or, in a dry run, would do).
struct ImportReport: Sendable, Equatable, Encodable {
    var tasksCreated = 0
    var tasksMatched = 0
    var sessionsCreated = 0
    var sessionsSkipped = 0
    var kvCreated = 0
    var kvSkipped = 0
}
