import Foundation

/// Splits a span of time into the local calendar days of a time zone at local midnight
/// (the standard day rules). DST days have 23 or 25 hours; half-hour offsets work the
/// same way. ``DayRuleHistory/split(start:end:in:)`` splits at a user's own day start.
public enum DaySplitter {
    /// Seconds of `[start, end)` on each local day it touches, oldest first.
    public static func split(start: Date, end: Date, in timeZone: TimeZone) -> [(day: LocalDate, seconds: Double)] {
        DayRuleHistory.standard.split(start: start, end: end, in: timeZone)
    }
}
