import Domain
import Foundation

/// Reads a FocusQuest export (SPEC §10) into an ``ImportPlan``, naming every problem by
/// the array item and field it is in (`sessions[4].end_time`).
struct ExportFileReader {
    let now: Date
    private(set) var problems = ImportProblems()

    init(now: Date) { self.now = now }

    static func read(_ data: Data, now: Date) throws -> ImportPlan {
        let value: JSONValue
        do {
            value = try JSONBody.decoder.decode(JSONValue.self, from: data)
        } catch {
            throw AppError.malformedJSON
        }
        var reader = ExportFileReader(now: now)
        let plan = reader.plan(value)
        if !reader.problems.isEmpty { throw reader.problems }
        return plan
    }

    private mutating func plan(_ value: JSONValue) -> ImportPlan {
        var plan = ImportPlan()
        guard case .object(let document) = value else {
            problems.add(nil, "body", "must be a FocusQuest export (a JSON object)")
            return plan
        }
        guard document["format"] == .string(AccountExport.format) else {
            problems.add(nil, "format", "must be \"\(AccountExport.format)\"")
            return plan
        }
        guard document["version"] == .integer(Int64(AccountExport.version)) else {
            problems.add(nil, "version", "must be \(AccountExport.version) (this server reads version \(AccountExport.version) exports)")
            return plan
        }
        let tasks = items(document, "tasks")
        for (index, item) in tasks.enumerated() {
            if let task = task(item, row: index + 1) { plan.tasks.append(task) }
        }
        let taskIDs = Set(plan.tasks.compactMap(\.fileID))
        for (index, item) in items(document, "sessions").enumerated() {
            if let session = session(item, row: index + 1, taskIDs: taskIDs) { plan.sessions.append(session) }
        }
        for (index, item) in items(document, "breaks").enumerated() {
            if let record = breakItem(item, row: index + 1) { plan.breaks.append(record) }
        }
        for (index, item) in items(document, "settings_history").enumerated() {
            if let change = settingsChange(item, row: index + 1) { plan.settingsHistory.append(change) }
        }
        plan.keyValues = keyValues(document["kv"])
        return plan
    }

    /// The array under `name` (absent is empty; `null` is not a list).
    private mutating func items(_ document: [String: JSONValue], _ name: String) -> [JSONValue] {
        switch document[name] {
        case nil: return []
        case .array(let items)?: return items
        default:
            problems.add(nil, name, "must be a list")
            return []
        }
    }

    /// Reads the fields of one array item, noting problems under `array[row].field`.
    private struct Item {
        let members: [String: JSONValue]
        let array: String
        let row: Int
        var problems: [(String, String)] = []

        func path(_ field: String) -> String { "\(array)[\(row)].\(field)" }

        mutating func string(_ key: String, required: Bool = true) -> String? {
            switch members[key] {
            case .string(let text)?:
                if text.utf8.contains(0) { problems.append((key, "must not contain the NUL character")); return nil }
                return text
            case nil, .null?:
                if required { problems.append((key, "is required")) }
                return nil
            default:
                problems.append((key, "must be a string"))
                return nil
            }
        }

        mutating func integer(_ key: String, required: Bool = true) -> Int64? {
            switch members[key] {
            case .integer(let number)?: return number
            case nil, .null?:
                if required { problems.append((key, "is required")) }
                return nil
            default:
                problems.append((key, "must be an integer"))
                return nil
            }
        }

        mutating func bool(_ key: String) -> Bool? {
            switch members[key] {
            case .bool(let flag)?: return flag
            case nil, .null?: return nil
            default:
                problems.append((key, "must be true or false"))
                return nil
            }
        }

        mutating func date(_ key: String, required: Bool = true) -> Date? {
            guard let text = string(key, required: required) else { return nil }
            guard let date = RFC3339.date(text) else {
                problems.append((key, "must be an RFC 3339 date-time"))
                return nil
            }
            return date
        }

        mutating func day(_ key: String) -> LocalDate? {
            guard let text = string(key) else { return nil }
            guard let day = LocalDate(text) else {
                problems.append((key, "must be a date YYYY-MM-DD"))
                return nil
            }
            return day
        }

        mutating func note(_ errors: FieldErrors) {
            for (field, problem) in errors.fields.sorted(by: { $0.key < $1.key }) { problems.append((field, problem)) }
        }
    }

    private mutating func item(_ value: JSONValue, _ array: String, _ row: Int) -> Item? {
        guard case .object(let members) = value else {
            problems.add(row, "\(array)[\(row)]", "must be an object")
            return nil
        }
        return Item(members: members, array: array, row: row)
    }

    private mutating func finish(_ item: Item) -> Bool {
        for (field, problem) in item.problems { problems.add(item.row, item.path(field), problem) }
        return item.problems.isEmpty
    }

    private mutating func task(_ value: JSONValue, row: Int) -> ImportPlan.Task? {
        guard var item = item(value, "tasks", row) else { return nil }
        let id = item.integer("id", required: false)
        let title = item.string("title")
        let description = item.string("description", required: false) ?? ""
        let rawStatus = item.string("status")
        let estimate = item.integer("estimate_pomodoros", required: false)
        let createdAt = item.date("created_at")
        let updatedAt = item.date("updated_at", required: false)
        let completedAt = item.date("completed_at", required: false)
        var status: TaskStatus?
        if let rawStatus {
            do { status = try TaskStatus.parse(rawStatus) } catch { item.note(error) }
        }
        var content: TaskContent?
        if let title {
            do {
                content = try TaskContent(title: title, description: description, estimatePomodoros: estimate.map { Int(clamping: $0) })
            } catch { item.note(error) }
        }
        guard finish(item), let content, let status, let createdAt else { return nil }
        return ImportPlan.Task(
            fileID: id, content: content, status: status, createdAt: createdAt, updatedAt: updatedAt ?? createdAt,
            completedAt: status == .done ? completedAt ?? updatedAt ?? createdAt : nil)
    }

    private mutating func session(_ value: JSONValue, row: Int, taskIDs: Set<Int64>) -> ImportPlan.Session? {
        guard var item = item(value, "sessions", row) else { return nil }
        let sessionID = item.string("session_id")
        let start = item.date("start_time")
        let end = item.date("end_time")
        let timezone = item.string("timezone")
        let taskID = item.integer("task_id", required: false)
        let kind = item.string("kind", required: false) ?? "api"
        let full = item.bool("full_pomodoro") ?? false
        let planned = item.integer("planned_minutes", required: false)
        if let sessionID, let start, let end { item.note(SessionRules.problems(sessionID: sessionID, start: start, end: end, now: now)) }
        var zone: String?
        if let timezone {
            do { zone = try TimeZoneName(timezone).identifier } catch { item.note(error) }
        }
        if let taskID, !taskIDs.contains(taskID) { item.problems.append(("task_id", "must be the id of a task in this file")) }
        if !["api", "timer"].contains(kind) { item.problems.append(("kind", "must be one of api, timer")) }
        if kind == "timer", planned == nil { item.problems.append(("planned_minutes", "is required for a timer's session")) }
        if let planned, !(1...1440).contains(planned) { item.problems.append(("planned_minutes", "must be 1 to 1440")) }
        if full, kind != "timer" { item.problems.append(("full_pomodoro", "can only be true for a timer's session")) }
        guard finish(item), let sessionID, let start, let end, let zone else { return nil }
        return ImportPlan.Session(
            row: row, field: "sessions", sessionID: sessionID.trimmingWhitespace, start: start, end: end, timezone: zone,
            task: taskID.map(ImportPlan.TaskReference.file), fullPomodoro: full, plannedSeconds: kind == "timer" ? planned.map { Int($0) * 60 } : nil)
    }

    private mutating func breakItem(_ value: JSONValue, row: Int) -> ImportPlan.Break? {
        guard var item = item(value, "breaks", row) else { return nil }
        let from = item.day("from")
        let to = item.day("to")
        let note = item.string("note", required: false)
        if let from, let to, from > to { item.problems.append(("to", "must not be before from")) }
        if let note, note.length > BreakRules.maxNoteLength { item.problems.append(("note", "must be at most \(BreakRules.maxNoteLength) characters")) }
        guard finish(item), let from, let to, from <= to else { return nil }
        return ImportPlan.Break(row: row, days: from...to, note: note.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 })
    }

    private mutating func settingsChange(_ value: JSONValue, row: Int) -> ImportPlan.SettingsChange? {
        guard var item = item(value, "settings_history", row) else { return nil }
        let from = item.day("effective_from")
        let timezone = item.string("timezone")
        let hour = item.integer("day_starts_at")
        var restNames: [String] = []
        switch item.members["rest_days"] {
        case .array(let names)?:
            for name in names {
                guard case .string(let text) = name else { item.problems.append(("rest_days", "must be a list of day names")); break }
                restNames.append(text)
            }
        case nil, .null?: break
        default: item.problems.append(("rest_days", "must be a list of day names"))
        }
        var zone: String?
        if let timezone {
            do { zone = try TimeZoneName(timezone).identifier } catch { item.note(error) }
        }
        if let hour, !DayRules.dayStartHours.contains(Int(hour)) { item.problems.append(("day_starts_at", "must be 0 to 6")) }
        var rest: RestDays?
        do { rest = try RestDays(names: restNames) } catch { item.problems.append(("rest_days", "must name at most 3 days of mon, tue, wed, thu, fri, sat, sun")) }
        guard finish(item), let from, let zone, let hour, let rest else { return nil }
        return ImportPlan.SettingsChange(change: DayRuleChange(from: from, rules: DayRules(dayStartsAt: Int(hour), restDays: rest)), timezone: zone)
    }

    private mutating func keyValues(_ value: JSONValue?) -> [(key: String, json: Data)] {
        switch value {
        case nil: return []
        case .object(let members)?:
            var entries: [(key: String, json: Data)] = []
            for key in members.keys.sorted() {
                guard (try? KeyValueService.checked(key)) != nil else {
                    problems.add(nil, "kv.\(key)", "must be 1 to 128 of the characters A–Z a–z 0–9 . _ : -")
                    continue
                }
                let json = Data((members[key] ?? .null).serialized.utf8)
                guard json.count <= KeyValueService.maxValueBytes else {
                    problems.add(nil, "kv.\(key)", "must be at most 64 KiB of JSON")
                    continue
                }
                entries.append((key, json))
            }
            return entries
        default:
            problems.add(nil, "kv", "must be an object of key to value")
            return []
        }
    }
}

extension JSONValue {
    /// The value as compact JSON text (object keys sorted).
    var serialized: String {
        switch self {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .number(let number): number.description
        case .string(let text): Self.quoted(text)
        case .array(let items): "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .object(let members): "{" + members.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
