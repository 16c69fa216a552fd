/// Where a task stands.
public enum TaskStatus: String, CaseIterable, Sendable, Codable {
    case todo
    case inProgress = "in_progress"
    case done

    /// The status named in a request, or a field error naming `field`.
    public static func parse(_ raw: String, field: String = "status") throws(FieldErrors) -> TaskStatus {
        guard let status = TaskStatus(rawValue: raw) else {
            throw FieldErrors([field: "must be one of todo, in_progress, done"])
        }
        return status
    }

    public var label: String {
        switch self {
        case .todo: "To do"
        case .inProgress: "In progress"
        case .done: "Done"
        }
    }
}

/// The fields of a task a user writes, validated: title up to 200 characters with at least
/// one that is not white space (stored trimmed), description up to 5000, estimate 0–50
/// pomodoros or none. Lengths count code points (``TextRules``).
public struct TaskContent: Equatable, Sendable {
    public let title: String
    public let description: String
    public let estimatePomodoros: Int?

    public init(title: String, description: String, estimatePomodoros: Int?) throws(FieldErrors) {
        var errors = FieldErrors()
        let trimmed = title.trimmingWhitespace
        if trimmed.isEmpty {
            errors["title"] = "must not be empty"
        } else if title.length > 200 {
            errors["title"] = "must be at most 200 characters"
        }
        if description.length > 5000 { errors["description"] = "must be at most 5000 characters" }
        if let estimatePomodoros, !(0...50).contains(estimatePomodoros) {
            errors["estimate_pomodoros"] = "must be 0 to 50"
        }
        try errors.throwIfAny()
        self.title = trimmed
        self.description = description
        self.estimatePomodoros = estimatePomodoros
    }
}

/// The XP a task's completion earns: +10 the first time it is completed, never again.
public enum TaskCompletionXP {
    public static let amount = 10
}
