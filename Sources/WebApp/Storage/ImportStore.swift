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

/// One import inside its transaction: SQLite's reads and writes, ``ImportBook``'s decisions.
private struct ImportApplier {
    let db: Database
    let userID: Int64
    let now: Date
    var book = ImportBook()

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
            book.knows(task: row[0], title: row[1], createdAt: row.storedDate(2) ?? .distantPast)
        }
        for task in plan.tasks { try importTask(task) }
        let rules = try StreakLedger.dayRules(db, userID: userID)
        for (index, session) in plan.sessions.enumerated() {
            try importSession(session, rules: rules)
            if (index + 1) % 1000 == 0 || index + 1 == plan.sessions.count { progress?(index + 1, plan.sessions.count) }
        }
        try importBreaks(plan.breaks, allOfThem: isNew, today: (try UserRecord.find(db, id: userID) ?? user).today(at: now))
        try importKeyValues(plan.keyValues)
        if !book.problems.isEmpty { throw book.problems }
        try StreakLedger.recompute(db, userID: userID, qualifySeconds: qualifySeconds, at: now, announce: false)
        return book.report
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

    /// A task of the file the user does not have is created as the file has it. Its
    /// minutes and pomodoros come from its sessions, as they did where it was exported.
    private mutating func importTask(_ task: ImportPlan.Task) throws {
        if book.matches(task) { return }
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
        book.created(task: record.taskID, title: task.content.title, at: task.createdAt, file: task)
    }

    /// The task a Toggl description names: the oldest with that title, else a new one.
    private mutating func task(titled title: String) throws -> Int64 {
        if let existing = book.oldestTask(titled: title) { return existing }
        var record = TaskRecord(
            userId: userID, title: title, description: "", status: .todo, estimatePomodoros: nil, focusSeconds: 0, pomodoros: 0, createdAt: now,
            updatedAt: now, completedAt: nil)
        try record.insert(db)
        LiveChangeLog.note(db, userID: userID, .tasks, taskIDs: [record.taskID])
        book.created(task: record.taskID, title: title, at: now)
        return record.taskID
    }

    private mutating func importSession(_ session: ImportPlan.Session, rules: DayRuleHistory) throws {
        let taskID: Int64?
        switch session.task {
        case .file(let id)?: taskID = book.task(ofFile: id)
        case .title(let title)?: taskID = try task(titled: title)
        case nil: taskID = nil
        }
        var record = FocusSessionRecord(
            userId: userID, sessionId: session.sessionID, startTime: session.start, endTime: session.end, timezone: session.timezone, taskId: taskID,
            fullPomodoro: session.fullPomodoro, plannedSeconds: session.plannedSeconds, createdAt: now)
        if let stored = try FocusSessionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM focus_sessions WHERE user_id = ? AND session_id = ?"), arguments: [userID, session.sessionID])
        {
            book.alreadyStored(stored, session, as: record)
            return
        }
        _ = try FocusLedger.recordWithoutStreak(db, &record, rules: rules, announce: false)
        book.report.sessionsCreated += 1
    }

    private mutating func importBreaks(_ breaks: [ImportPlan.Break], allOfThem: Bool, today: LocalDate) throws {
        var others = try StreakLedger.breaks(db, userID: userID).compactMap(\.days)
        for item in breaks where book.admits(item, others: others, allOfThem: allOfThem, today: today) {
            var record = BreakRecord(
                userId: userID, firstDay: item.days.lowerBound.description, lastDay: item.days.upperBound.description, note: item.note, createdAt: now)
            try record.insert(db)
            others.append(item.days)
        }
    }

    private mutating func importKeyValues(_ entries: [(key: String, json: Data)]) throws {
        guard !entries.isEmpty else { return }
        var count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM key_values WHERE user_id = ?", arguments: [userID]) ?? 0
        for (key, json) in entries {
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM key_values WHERE user_id = ? AND key = ?)", arguments: [userID, key]) == true
            guard book.admits(key: key, exists: exists, count: count) else { continue }
            try db.execute(
                sql: "INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [userID, key, json, KeyValueService.etag(json), now])
            count += 1
        }
    }
}
