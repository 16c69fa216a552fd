import Domain
import Foundation

/// An import's decisions, the same on both backends: which of the file's tasks the user
/// has already, what a stored session id, a break or a key comes to, and the report and
/// problems so far. The backends' appliers (``AppDatabase`` and ``PostgresStore``'s
/// `applyImport`) only read and write.
struct ImportBook {
    var report = ImportReport()
    var problems = ImportProblems()
    /// The user's tasks by title, oldest first: (id, created_at).
    private var tasksByTitle: [String: [(id: Int64, createdAt: Date)]] = [:]
    /// Local task ids of the file's task ids.
    private var fileTasks: [Int64: Int64] = [:]

    /// A task the user has (read before the import).
    mutating func knows(task id: Int64, title: String, createdAt: Date) {
        tasksByTitle[title, default: []].append((id, createdAt))
    }

    /// Whether the file's task is one the user has — same title, same creation instant to
    /// the millisecond — and is then linked to it.
    mutating func matches(_ task: ImportPlan.Task) -> Bool {
        guard let match = tasksByTitle[task.content.title]?.first(where: { abs($0.createdAt.timeIntervalSince(task.createdAt)) < 0.001 }) else {
            return false
        }
        report.tasksMatched += 1
        if let fileID = task.fileID { fileTasks[fileID] = match.id }
        return true
    }

    /// A task the import made (`file`: the file's task it is, if any).
    mutating func created(task id: Int64, title: String, at createdAt: Date, file: ImportPlan.Task? = nil) {
        report.tasksCreated += 1
        knows(task: id, title: title, createdAt: createdAt)
        if let fileID = file?.fileID { fileTasks[fileID] = id }
    }

    /// The task a Toggl description names: the oldest with that title (nil: one to make).
    func oldestTask(titled title: String) -> Int64? {
        tasksByTitle[title]?.first?.id
    }

    /// The local task of a session that names one of the file's tasks.
    func task(ofFile id: Int64) -> Int64? {
        fileTasks[id]
    }

    /// A session whose id is stored already: skipped when its times are the same, else a
    /// problem of its row (the idempotent path of `POST /sessions`).
    mutating func alreadyStored(_ stored: FocusSessionRecord, _ session: ImportPlan.Session, as record: FocusSessionRecord) {
        if stored.hasSameTimes(as: record) {
            report.sessionsSkipped += 1
        } else {
            let field = session.field == "sessions" ? "sessions[\(session.row)].session_id" : "Description"
            problems.add(session.row, field, "a session with this id is already stored with other times or time zone")
        }
    }

    /// Whether a break goes in: one not started (any, into an account without sessions —
    /// `allOfThem`), not already stored with the same days, valid among `others`; the
    /// problems of one that cannot are noted.
    mutating func admits(_ item: ImportPlan.Break, others: [ClosedRange<LocalDate>], allOfThem: Bool, today: LocalDate) -> Bool {
        if others.contains(item.days) { return false }
        let upcoming = item.days.lowerBound > today
        guard upcoming || allOfThem else { return false }
        if upcoming {
            do {
                _ = try BreakRules.validate(from: item.days.lowerBound, to: item.days.upperBound, note: item.note, today: today, others: others)
            } catch {
                for (field, problem) in error.fields.sorted(by: { $0.key < $1.key }) { problems.add(item.row, "breaks[\(item.row)].\(field)", problem) }
                return false
            }
        } else if others.contains(where: { $0.overlaps(item.days) }) {
            problems.add(item.row, "breaks[\(item.row)].from", "overlaps a break already planned")
            return false
        }
        return true
    }

    /// Whether a key goes in: one the user does not have (kept as it is otherwise), while
    /// the user has fewer than the limit (`count` so far).
    mutating func admits(key: String, exists: Bool, count: Int) -> Bool {
        if exists {
            report.kvSkipped += 1
            return false
        }
        guard count < KeyValueService.maxKeys else {
            problems.add(nil, "kv.\(key)", "would make more than \(KeyValueService.maxKeys) keys")
            return false
        }
        report.kvCreated += 1
        return true
    }
}
