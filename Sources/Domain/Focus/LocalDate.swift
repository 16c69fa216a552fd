import Foundation

/// A calendar day (proleptic Gregorian) without a time zone, stored as days since
/// 1970-01-01 so consecutive days differ by one.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init(year: Int, month: Int, day: Int) {
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        dayNumber = era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD`, or nil when it is not a real date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), Self.isValid(year: year, month: month, day: day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether the day exists: months 1…12, days up to the month's length (leap years
    /// by the Gregorian rule).
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = month == 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
        return day <= length
    }

    /// The local date of `instant` in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        dayNumber = Int((local / 86_400).rounded(.down))
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// The instant this day starts in `timeZone` (local midnight, or the first instant
    /// after it when a DST jump skips midnight).
    public func start(in timeZone: TimeZone) -> Date { start(in: timeZone, atHour: 0) }

    /// The first instant whose local time in `timeZone` is this day at `hour`:00 or later —
    /// the first instant after the gap when DST skips that time, its first occurrence
    /// when DST repeats it.
    public func start(in timeZone: TimeZone, atHour hour: Int) -> Date {
        let wall = dayNumber * 86_400 + hour * 3600
        let offset = { (instant: Int) in timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) }
        // Offsets lie within −12 h … +14 h, so the instant is within that window of the wall
        // time; one offset holds before a change inside it and one after.
        let early = wall - offset(wall - 14 * 3600)
        let late = wall - offset(wall + 12 * 3600)
        let (first, second) = (min(early, late), max(early, late))
        if first + offset(first) == wall { return Date(timeIntervalSince1970: Double(first)) }
        if second + offset(second) == wall { return Date(timeIntervalSince1970: Double(second)) }
        // The wall time falls in a gap: the first instant at or after it on the wall.
        var low = first
        var high = second
        while low < high {
            let middle = low + (high - low) / 2
            if middle + offset(middle) >= wall { high = middle } else { low = middle + 1 }
        }
        return Date(timeIntervalSince1970: Double(low))
    }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 4) % 7 }

    /// `YYYY-MM-DD`, built by hand from digits: this runs for every chart cell and stored
    /// day. Years outside 0…9999 are printed as numbers, without padding.
    public var description: String {
        let (year, month, day) = components
        guard (0...9999).contains(year) else { return Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2) }
        let digit = { (value: Int) in UInt8(ascii: "0") + UInt8(value) }
        // Ten ASCII bytes: a small string, written in place without an array first.
        return String(unsafeUninitializedCapacity: 10) { bytes in
            (bytes[0], bytes[1], bytes[2], bytes[3]) = (digit(year / 1000), digit(year / 100 % 10), digit(year / 10 % 10), digit(year % 10))
            (bytes[4], bytes[5], bytes[6]) = (UInt8(ascii: "-"), digit(month / 10), digit(month % 10))
            (bytes[7], bytes[8], bytes[9]) = (UInt8(ascii: "-"), digit(day / 10), digit(day % 10))
            return 10
        }
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        if value < 0 { return "-" + padded(-value, width) }
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }
}
