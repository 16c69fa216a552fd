import Foundation

/// Splits a span of time into the local calendar days of a time zone, at local
/// midnight. DST days have 23 or 25 hours; half-hour offsets work the same way.
public enum DaySplitter {
    /// Seconds of `[start, end)` on each local day it touches, oldest first.
    public static func split(start: Date, end: Date, in timeZone: TimeZone) -> [(day: LocalDate, seconds: Double)] {
        guard end > start else { return [] }
        var result: [(LocalDate, Double)] = []
        var cursor = start
        var day = LocalDate(start, in: timeZone)
        while cursor < end {
            let nextMidnight = day.adding(days: 1).start(in: timeZone)
            let stop = min(end, nextMidnight)
            if stop > cursor { result.append((day, stop.timeIntervalSince(cursor))) }
            cursor = stop
            day = day.adding(days: 1)
        }
        return result
    }
}
