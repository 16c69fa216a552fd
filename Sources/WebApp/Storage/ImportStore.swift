import Domain
import Foundation
import GRDB

extension AppDatabase {
    func applyImport(
        _ plan: ImportPlan, userID: Int64, dryRun: Bool, qualifySeconds: Double, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) async throws -> ImportReport {
        let (report, changes) = try await pool.writeWithoutTransaction { db in
            try LiveChangeLog.collecting(db) {
                var report = ImportReport()
                try db.inTransaction {
                    var applier = ImportApplier(db: db, userID: userID, now: now, progress: progress)
                    report = try applier.apply(plan, qualifySeconds: qualifySeconds)
                    return dryRun ? .rollback : .commit
                }
                return report
            }
        }
        publishCommitted(dryRun ? [] : changes)
        return report
    }
}

/// One import inside its transaction.
private struct ImportApplier {
    let db: Database
    let userID: Int64
    let now: Date
    var report = ImportReport()
    var problems = ImportProblems()
    /// The user's tasks by title, oldest first: (id, created_at).
    var tasksByTitle: [String: [(id: Int64, createdAt: Date)]] = [:]
    /// Local task ids of the file's task ids.
    var fileTasks: [Int64: Int64] = [:]

    let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    init(db: Database, userID: Int64, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) {
        self.db = db
        self.userID = userID
        self.now = now
        self.progress = progress
    }

    mutating func apply(_ plan: ImportPlan, qualifySeconds: Double) throws -> ImportReport {
        guard let user = try UserRecord.find(db, id: userID) else { throw ImportProblems(items: [ImportProblem(row: nil, field: "user", problem: "no longer exists")]) }
        let isNew = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM focus_sessions WHERE user_id = ?)", arguments: [userID]) ?? false
        if isNew, !plan.settingsHistory.isEmpty { try replaceSettingsHistory(plan.settingsHistory) }
        for row in try Row.fetchAll(db, sql: "SELECT id, title, created_at FROM tasks WHERE user_id = ? ORDER BY id", arguments: [userID]) {
            tasksByTitle[row[1], default: []].append((row[0], row.storedDate(2) ?? .distantPast))
        }
        for task in plan.tasks { try importTask(task) }
        let rules = try StreakLedger.dayRules(db, userID: userID)
        for (index, session) in plan.sessions.enumerated() {
            try importSession(session, rules: rules)
            if (index + 1) % 1000 == 0 || index + 1 == plan.sessions.count { progress?(index + 1, plan.sessions.count) }
        }
        try importBreaks(plan.breaks, allOfThem: isNew, today: (try UserRecord.find(db, id: userID) ?? user).today(at: now))
        try importKeyValues(plan.keyValues)
        if !problems.isEmpty { throw problems }
        try StreakLedger.recompute(db, userID: userID, qualifySeconds: qualifySeconds, at: now, announce: false)
        return report
    }

    /// Into an account without sessions: the file's day-rules history replaces the
    /// account's, and its latest time zone becomes the account's.
    private func replaceSettingsHistory(_ history: [ImportPlan.SettingsChange]) throws {
        let ordered = DayRuleHistory(history.map(\.change))
        guard let last = ordered.changes.last, let zone = history.last?.timezone else { return }
        try db.execute(sql: "DELETE FROM day_rules WHERE user_id = ?", arguments: [userID])
        for change in ordered.changes {
            try db.execute(
                sql: "INSERT INTO day_rules (user_id, effective_from, day_starts_at, rest_days, changed_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [userID, change.from.description, change.rules.dayStartsAt, change.rules.restDays.mask, now])
        }
        let earlier = ordered.changes.dropLast().last?.rules ?? ordered.initial
        try db.execute(
            sql: "UPDATE users SET timezone = ?, day_starts_at = ?, rest_days = ?, day_rules_from = ?, earlier_day_starts_at = ? WHERE id = ?",
            arguments: [zone, last.rules.dayStartsAt, last.rules.restDays.mask, last.from.description, earlier.dayStartsAt, userID])
    }

    /// A task of the file matches the user's task with the same title and creation
    /// instant (to the millisecond); else it is created as the file has it. Its minutes
    /// and pomodoros come from its sessions, as they did where it was exported.
    private mutating func importTask(_ task: ImportPlan.Task) throws {
        if let match = tasksByTitle[task.content.title]?.first(where: { abs($0.createdAt.timeIntervalSince(task.createdAt)) < 0.001 }) {
            report.tasksMatched += 1
            if let fileID = task.fileID { fileTasks[fileID] = match.id }
            return
        }
        var record = TaskRecord(
            userId: userID, title: task.content.title, description: task.content.description, status: task.status,
            estimatePomodoros: task.content.estimatePomodoros, focusSeconds: 0, pomodoros: 0, createdAt: task.createdAt, updatedAt: task.updatedAt,
            completedAt: task.completedAt)
        try record.insert(db)
        LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [record.taskID])
        if task.status == .done {
            _ = try XPLedger.award(
                db, userID: userID, amount: TaskCompletionXP.amount, reason: "task_completed", reference: "task:\(record.taskID)", at: now, announce: false)
        }
        report.tasksCreated += 1
        tasksByTitle[task.content.title, default: []].append((record.taskID, task.createdAt))
        if let fileID = task.fileID { fileTasks[fileID] = record.taskID }
    }

    /// The task a Toggl description names: the oldest with that title, else a new one.
    private mutating func task(titled title: String) throws -> Int64 {
        if let existing = tasksByTitle[title]?.first { return existing.id }
        var record = TaskRecord(
            userId: userID, title: title, description: "", status: .todo, estimatePomodoros: nil, focusSeconds: 0, pomodoros: 0, createdAt: now,
            updatedAt: now, completedAt: nil)
        try record.insert(db)
        LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [record.taskID])
        report.tasksCreated += 1
        tasksByTitle[title, default: []].append((record.taskID, now))
        return record.taskID
    }

    /// The idempotent path of `POST /sessions`: a session id already stored with the same
    /// content is skipped, with other content it is a problem of the row.
    private mutating func importSession(_ session: ImportPlan.Session, rules: DayRuleHistory) throws {
        let taskID: Int64?
        switch session.task {
        case .file(let id)?: taskID = fileTasks[id]
        case .title(let title)?: taskID = try task(titled: title)
        case nil: taskID = nil
        }
        var record = FocusSessionRecord(
            userId: userID, sessionId: session.sessionID, startTime: session.start, endTime: session.end, timezone: session.timezone, taskId: taskID,
            fullPomodoro: session.fullPomodoro, plannedSeconds: session.plannedSeconds, createdAt: now)
        if let stored = try FocusSessionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM focus_sessions WHERE user_id = ? AND session_id = ?"), arguments: [userID, session.sessionID])
        {
            if stored.hasSameTimes(as: record) {
                report.sessionsSkipped += 1
            } else {
                let field = session.field == "sessions" ? "sessions[\(session.row)].session_id" : "Description"
                problems.add(session.row, field, "a session with this id is already stored with other times or time zone")
            }
            return
        }
        _ = try FocusLedger.recordWithoutStreak(db, &record, rules: rules, announce: false)
        report.sessionsCreated += 1
    }

    /// Breaks that have not started (all of them into an account without sessions); one
    /// already stored with the same days is skipped, a started one in a file for an account
    /// with sessions too.
    private mutating func importBreaks(_ breaks: [ImportPlan.Break], allOfThem: Bool, today: LocalDate) throws {
        var others = try StreakLedger.breaks(db, userID: userID).compactMap(\.days)
        for item in breaks {
            if others.contains(item.days) { continue }
            let upcoming = item.days.lowerBound > today
            guard upcoming || allOfThem else { continue }
            if upcoming {
                do {
                    _ = try BreakRules.validate(
                        from: item.days.lowerBound, to: item.days.upperBound, note: item.note, today: today, others: others)
                } catch {
                    for (field, problem) in error.fields.sorted(by: { $0.key < $1.key }) { problems.add(item.row, "breaks[\(item.row)].\(field)", problem) }
                    continue
                }
            } else if others.contains(where: { $0.overlaps(item.days) }) {
                problems.add(item.row, "breaks[\(item.row)].from", "overlaps a break already planned")
                continue
            }
            var record = BreakRecord(
                userId: userID, firstDay: item.days.lowerBound.description, lastDay: item.days.upperBound.description, note: item.note, createdAt: now)
            try record.insert(db)
            others.append(item.days)
        }
    }

    /// Keys the user does not have yet; existing keys are kept as they are.
    private mutating func importKeyValues(_ entries: [(key: String, json: Data)]) throws {
        guard !entries.isEmpty else { return }
        var count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM key_values WHERE user_id = ?", arguments: [userID]) ?? 0
        for (key, json) in entries {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM key_values WHERE user_id = ? AND key = ?)", arguments: [userID, key]) == true {
                report.kvSkipped += 1
                continue
            }
            guard count < KeyValueService.maxKeys else {
                problems.add(nil, "kv.\(key)", "would make more than \(KeyValueService.maxKeys) keys")
                continue
            }
            try db.execute(
                sql: "INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [userID, key, json, KeyValueService.etag(json), now])
            count += 1
            report.kvCreated += 1
        }
    }
}
