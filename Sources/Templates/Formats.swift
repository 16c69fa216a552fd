import Foundation

/// strftime-style date formatting for the `date` filter: `%Y %m %d %e %H %M %S %b %B %a %A %%`,
/// and the pattern `iso` for RFC 3339 in UTC.
enum DateFormat {
    private static let months = ["January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"]
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    static func format(_ date: Date, pattern: String, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = pattern == "iso" ? .gmt : timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let (year, month, day) = (c.year ?? 0, c.month ?? 1, c.day ?? 1)
        let (hour, minute, second) = (c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        if pattern == "iso" {
            return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))Z"
        }
        var result = ""
        var iterator = pattern.makeIterator()
        while let character = iterator.next() {
            guard character == "%", let code = iterator.next() else {
                result.append(character)
                continue
            }
            switch code {
            case "Y": result += pad(year, 4)
            case "m": result += pad(month)
            case "d": result += pad(day)
            case "e": result += String(day)
            case "H": result += pad(hour)
            case "M": result += pad(minute)
            case "S": result += pad(second)
            case "b": result += String(months[month - 1].prefix(3))
            case "B": result += months[month - 1]
            case "a": result += String(weekdays[(c.weekday ?? 1) - 1].prefix(3))
            case "A": result += weekdays[(c.weekday ?? 1) - 1]
            case "%": result += "%"
            default: result += "%\(code)"
            }
        }
        return result
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Numbers with thousands separators (`1,234.5`) for the `number` filter.
enum NumberFormat {
    static func grouped(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let rounded = (abs(value) * scale).rounded() / scale
        let whole = Int(rounded)
        var digits = Array(String(whole))
        var grouped: [Character] = []
        while digits.count > 3 {
            grouped.insert(contentsOf: [","] + digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        grouped.insert(contentsOf: digits, at: 0)
        var result = (value < 0 && rounded > 0 ? "-" : "") + String(grouped)
        if decimals > 0 {
            let fraction = Int(((rounded - Double(whole)) * scale).rounded())
            let text = String(fraction)
            result += "." + String(repeating: "0", count: decimals - text.count) + text
        }
        return result
    }
}
