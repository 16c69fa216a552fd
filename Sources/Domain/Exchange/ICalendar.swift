import Foundation

/// Writing iCalendar (RFC 5545) text: content lines folded at 75 octets, CRLF, TEXT
/// values escaped, UTC date-times.
public struct ICalendar {
    private(set) public var text = ""

    public init() {}

    /// A content line `name:value`, `value` written as given (already a valid value).
    public mutating func line(_ name: String, _ value: String) {
        text += Self.fold(name + ":" + value)
    }

    /// A content line whose value is TEXT (escaped).
    public mutating func textLine(_ name: String, _ value: String) {
        line(name, Self.escape(value))
    }

    /// A content line whose value is a UTC DATE-TIME.
    public mutating func dateLine(_ name: String, _ value: Date) {
        line(name, Self.utc(value))
    }

    /// A content line whose value is a DATE (`;VALUE=DATE`).
    public mutating func dayLine(_ name: String, _ day: LocalDate) {
        let (year, month, date) = day.components
        line(name + ";VALUE=DATE", Self.digits(year, 4) + Self.digits(month, 2) + Self.digits(date, 2))
    }

    /// TEXT escaping (§3.3.11): backslash, semicolon, comma and line breaks.
    public static func escape(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n": result += "\\n"
            case "\r": continue
            default:
                // Other control characters are not allowed in TEXT.
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `YYYYMMDDTHHMMSSZ`, whole seconds.
    public static func utc(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = Int((Double(seconds) / 86_400).rounded(.down))
        let (year, month, day) = LocalDate(dayNumber: dayNumber).components
        let second = seconds - dayNumber * 86_400
        return Self.digits(year, 4) + Self.digits(month, 2) + Self.digits(day, 2) + "T" + Self.digits(second / 3600, 2)
            + Self.digits(second / 60 % 60, 2) + Self.digits(second % 60, 2) + "Z"
    }

    /// The line with CRLF, folded (§3.1): at most 75 octets a line, continuation lines
    /// start with one space, never splitting a UTF-8 character.
    public static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = String(scalar).utf8.count
            if octets + width > 75 {
                result += "\r\n "
                octets = 1
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result + "\r\n"
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
