import Crypto
import Domain
import Foundation

/// Reads a Toggl Track "detailed time entries" CSV into an ``ImportPlan``.
///
/// Columns read (by header name, any order, others ignored): `Description`, `Start date`,
/// `Start time`, `End date`, `End time` — dates `YYYY-MM-DD`, times `HH:MM:SS` or `HH:MM`,
/// wall-clock times in `zone` (a time a DST change skips counts as the first instant after
/// the gap; a repeated one as its first occurrence). Each row becomes a session whose id
/// is derived from its content (`toggl-` and a hash of the description and the two
/// instants), so importing the same file again adds nothing. A non-empty description
/// names a task by title: an existing task with that title (the oldest), else one new
/// task per distinct description.
struct TogglFileReader {
    static let requiredColumns = ["Description", "Start date", "Start time", "End date", "End time"]

    static func read(_ data: Data, zone: String, now: Date) throws -> ImportPlan {
        var problems = ImportProblems()
        guard let text = String(data: data, encoding: .utf8) else {
            problems.add(nil, "body", "must be UTF-8 text")
            throw problems
        }
        let records: [(line: Int, fields: [String])]
        do {
            records = try CSV.parse(text)
        } catch {
            problems.add(nil, "body", "is not valid CSV (line \(error.line): \(error.problem))")
            throw problems
        }
        guard let header = records.first else {
            problems.add(nil, "body", "must have a header row and at least one entry")
            throw problems
        }
        var column: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() where column[name.trimmingWhitespace] == nil { column[name.trimmingWhitespace] = index }
        let missing = requiredColumns.filter { column[$0] == nil }
        guard missing.isEmpty else {
            for name in missing { problems.add(nil, name, "the column is missing (a Toggl detailed CSV has \(requiredColumns.joined(separator: ", ")))") }
            throw problems
        }
        guard let timeZone = TimeZone(identifier: zone) else {
            problems.add(nil, "timezone", "must be an IANA time zone such as Europe/Berlin")
            throw problems
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var plan = ImportPlan()
        for (offset, record) in records.dropFirst().enumerated() {
            let row = offset + 1
            func cell(_ name: String) -> String {
                guard let index = column[name], index < record.fields.count else { return "" }
                return record.fields[index].trimmingWhitespace
            }
            var rowProblems: [(String, String)] = []
            let start = instant(day: cell("Start date"), time: cell("Start time"), calendar: calendar, dayColumn: "Start date", timeColumn: "Start time", &rowProblems)
            let end = instant(day: cell("End date"), time: cell("End time"), calendar: calendar, dayColumn: "End date", timeColumn: "End time", &rowProblems)
            let description = cell("Description")
            if description.length > 200 { rowProblems.append(("Description", "must be at most 200 characters (it names a task)")) }
            if let start, let end {
                let id = sessionID(description: description, start: start, end: end, zone: zone)
                for (field, problem) in SessionRules.problems(sessionID: id, start: start, end: end, now: now).fields.sorted(by: { $0.key < $1.key }) {
                    rowProblems.append((field == "start_time" ? "Start date" : "End time", problem.replacingOccurrences(of: "start_time", with: "the start")))
                }
                if rowProblems.isEmpty {
                    plan.sessions.append(ImportPlan.Session(
                        row: row, field: "row", sessionID: id, start: start, end: end, timezone: zone,
                        task: description.isEmpty ? nil : .title(description), fullPomodoro: false, plannedSeconds: nil))
                }
            }
            for (field, problem) in rowProblems { problems.add(row, field, problem) }
        }
        if records.count < 2 { problems.add(nil, "body", "has no time entries after the header row") }
        if !problems.isEmpty { throw problems }
        return plan
    }

    private static func instant(
        day: String, time: String, calendar: Calendar, dayColumn: String, timeColumn: String, _ problems: inout [(String, String)]
    ) -> Date? {
        guard let date = LocalDate(day) else {
            problems.append((dayColumn, day.isEmpty ? "is empty" : "must be a date YYYY-MM-DD, not “\(day)”"))
            return nil
        }
        let parts = time.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), let hour = parts[0], let minute = parts[1],
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(parts.count == 3 ? parts[2] ?? 0 : 0)
        else {
            problems.append((timeColumn, time.isEmpty ? "is empty" : "must be a time HH:MM:SS, not “\(time)”"))
            return nil
        }
        let (year, month, dayOfMonth) = date.components
        let components = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute, second: parts.count == 3 ? parts[2] ?? 0 : 0)
        guard let instant = calendar.date(from: components) else {
            problems.append((timeColumn, "is not a time that exists in the chosen time zone"))
            return nil
        }
        return instant
    }

    /// `toggl-` and 128 bits of a hash of what the row says.
    static func sessionID(description: String, start: Date, end: Date, zone: String) -> String {
        let content = "\(description)\n\(start.timeIntervalSince1970)\n\(end.timeIntervalSince1970)\n\(zone)"
        return "toggl-" + SHA256.hash(data: Data(content.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
