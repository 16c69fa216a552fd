import Domain
import Foundation

/// The rules of a focus session, for `POST /sessions` and imports alike.
enum SessionRules {
    static let maxIDLength = 128
    /// Sessions start at the Unix epoch or later: older instants are typing mistakes, and
    /// keeping every accepted time in this range keeps day arithmetic in one calendar.
    static let earliestStart = Date(timeIntervalSince1970: 0)

    /// Problems by field (`session_id`, `start_time`, `end_time`).
    static func problems(sessionID: String, start: Date, end: Date, now: Date) -> FieldErrors {
        var errors = FieldErrors()
        if sessionID.trimmingWhitespace.isEmpty || sessionID.length > maxIDLength {
            errors["session_id"] = "must be 1 to \(maxIDLength) characters, not all white space"
        }
        if end <= start {
            errors["end_time"] = "must be after start_time"
        } else if end.timeIntervalSince(start) > 86_400 {
            errors["end_time"] = "must be at most 24 hours after start_time"
        }
        if end > now.addingTimeInterval(5 * 60) { errors["end_time"] = "must not be in the future" }
        if start < earliestStart { errors["start_time"] = "must not be before 1970-01-01T00:00:00Z" }
        return errors
    }
}
