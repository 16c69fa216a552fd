import Domain
import Foundation
import PostgresNIO

/// Applying an import on PostgreSQL, as ``AppDatabase`` applies it (`ImportStore.swift`):
/// one transaction holding the user's row, all or nothing; a dry run does all of it and
/// rolls back, so its report is exactly what the import would do.
extension PostgresStore {
    func applyImport(
        _ plan: ImportPlan, userID: Int64, dryRun: Bool, qualifySeconds: Double, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) async throws -> ImportReport {
        try await write(rollingBack: dryRun) { tx in
            try await PostgresLedgers.lockUser(tx, userID)
            var applier = PostgresImportApplier(tx: tx, userID: userID, now: now, progress: progress)
            return try await applier.apply(plan, qualifySeconds: qualifySeconds)
        }
    }
}

/// One import inside its transaction.
private struct PostgresImportApplier {
    let tx: PostgresTransaction
    let userID: Int64
    let now: Date
    let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    var report = ImportReport()
    var problems = ImportProblems()
    /// The user's tasks by title, oldest first: (id, created_at).
    var tasksByTitle: [String: [(id: Int64, createdAt: Date)]] = [:]
    /// Local task ids of the file's task ids.
    var fileTasks: [Int64: Int64] = [:]

    init(tx: PostgresTransaction, userID: Int64, now: Date, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) {
        self.tx = tx
        self.userID = userID
        self.now = now
        self.progress = progress
    }

    private func user() async throws -> UserRecord? {
        try await tx.first("SELECT \(unescaped: UserRecord.postgresColumns(of: "users")) FROM users WHERE id = \(userID)").map(UserRecord.init(postgres:))
    }

    mutating func apply(_ plan: ImportPlan, qualifySeconds: Double) async throws -> ImportReport {
        guard let user = try await user() else { throw ImportProblems(items: [ImportProblem(row: nil, field: "user", problem: "no longer exists")]) }
        let isNew = try await tx.one("SELECT NOT EXISTS (SELECT 1 FROM focus_sessions WHERE user_id = \(userID))").decode(Bool.self)
        if isNew, !plan.settingsHistory.isEmpty { try await replaceSettingsHistory(plan.settingsHistory) }
        for row in try await tx.all("SELECT id, title, created_at FROM tasks WHERE user_id = \(userID) ORDER BY id") {
            let (id, title, createdAt) = try row.decode((Int64, String, Date).self)
            tasksByTitle[title, default: []].append((id, createdAt))
        }
        for task in plan.tasks { try await importTask(task) }
        let rules = try await PostgresStreakLedger.dayRules(tx, userID: userID)
        for (index, session) in plan.sessions.enumerated() {
            try await importSession(session, rules: rules)
            if (index + 1) % 1000 == 0 || index + 1 == plan.sessions.count { progress?(index + 1, plan.sessions.count) }
        }
        try await importBreaks(plan.breaks, allOfThem: isNew, today: (try await self.user() ?? user).today(at: now))
        try await importKeyValues(plan.keyValues)
        if !problems.isEmpty { throw problems }
        try await PostgresStreakLedger.recompute(tx, userID: userID, qualifySeconds: qualifySeconds, at: now, announce: false)
        return report
    }

    /// Into an account without sessions: the file's day-rules history replaces the
    /// account's, and its latest time zone becomes the account's.
    private func replaceSettingsHistory(_ history: [ImportPlan.SettingsChange]) async throws {
        let ordered = DayRuleHistory(history.map(\.change))
        guard let last = ordered.changes.last, let zone = history.last?.timezone else { return }
        try await tx.execute("DELETE FROM day_rules WHERE user_id = \(userID)")
        for change in ordered.changes {
            try await tx.execute(
                """
                INSERT INTO day_rules (user_id, effective_from, day_starts_at, rest_days, changed_at)
                VALUES (\(userID), \(change.from.description)::date, \(change.rules.dayStartsAt), \(change.rules.restDays.mask), \(now))
                """)
        }
        let earlier = ordered.changes.dropLast().last?.rules ?? ordered.initial
        try await tx.execute(
            """
            UPDATE users SET timezone = \(zone), day_starts_at = \(last.rules.dayStartsAt), rest_days = \(last.rules.restDays.mask),
                day_rules_from = \(last.from.description)::date, earlier_day_starts_at = \(earlier.dayStartsAt) WHERE id = \(userID)
            """)
    }

    /// A file's task matches the user's task with the same title and creation instant (to
    /// the millisecond); else it is created as the file has it.
    private mutating func importTask(_ task: ImportPlan.Task) async throws {
        if let match = tasksByTitle[task.content.title]?.first(where: { abs($0.createdAt.timeIntervalSince(task.createdAt)) < 0.001 }) {
            report.tasksMatched += 1
            if let fileID = task.fileID { fileTasks[fileID] = match.id }
            return
        }
        let id = try await insertTask(
            title: task.content.title, description: task.content.description, status: task.status, estimate: task.content.estimatePomodoros,
            createdAt: task.createdAt, updatedAt: task.updatedAt, completedAt: task.completedAt)
        if task.status == .done {
            _ = try await PostgresLedgers.awardXP(
                tx, userID: userID, amount: TaskCompletionXP.amount, reason: "task_completed", reference: "task:\(id)", at: now, announce: false)
        }
        tasksByTitle[task.content.title, default: []].append((id, task.createdAt))
        if let fileID = task.fileID { fileTasks[fileID] = id }
    }

    private mutating func insertTask(
        title: String, description: String, status: TaskStatus, estimate: Int?, createdAt: Date, updatedAt: Date, completedAt: Date?
    ) async throws -> Int64 {
        let id = try await tx.one(
            """
            INSERT INTO tasks (user_id, title, description, status, estimate_pomodoros, created_at, updated_at, completed_at)
            VALUES (\(userID), \(title), \(description), \(status.rawValue), \(estimate), \(createdAt), \(updatedAt), \(completedAt)) RETURNING id
            """
        ).decode(Int64.self)
        tx.note(userID: userID, .tasks, taskIDs: [id])
        report.tasksCreated += 1
        return id
    }

    /// The task a Toggl description names: the oldest with that title, else a new one.
    private mutating func task(titled title: String) async throws -> Int64 {
        if let existing = tasksByTitle[title]?.first { return existing.id }
        let id = try await insertTask(title: title, description: "", status: .todo, estimate: nil, createdAt: now, updatedAt: now, completedAt: nil)
        tasksByTitle[title, default: []].append((id, now))
        return id
    }

    /// A session id already stored with the same times is skipped; with other times it is
    /// a problem of the row.
    private mutating func importSession(_ session: ImportPlan.Session, rules: DayRuleHistory) async throws {
        let taskID: Int64?
        switch session.task {
        case .file(let id)?: taskID = fileTasks[id]
        case .title(let title)?: taskID = try await task(titled: title)
        case nil: taskID = nil
        }
        var record = FocusSessionRecord(
            userId: userID, sessionId: session.sessionID, startTime: session.start, endTime: session.end, timezone: session.timezone, taskId: taskID,
            fullPomodoro: session.fullPomodoro, plannedSeconds: session.plannedSeconds, createdAt: now)
        if let row = try await tx.first(
            "SELECT \(unescaped: FocusSessionRecord.postgresColumns) FROM focus_sessions WHERE user_id = \(userID) AND session_id = \(session.sessionID)")
        {
            if try FocusSessionRecord(postgres: row).hasSameTimes(as: record) {
                report.sessionsSkipped += 1
            } else {
                let field = session.field == "sessions" ? "sessions[\(session.row)].session_id" : "Description"
                problems.add(session.row, field, "a session with this id is already stored with other times or time zone")
            }
            return
        }
        _ = try await PostgresStreakLedger.recordWithoutStreak(tx, &record, rules: rules, announce: false)
        report.sessionsCreated += 1
    }

    /// Breaks that have not started (all of them into an account without sessions).
    private mutating func importBreaks(_ breaks: [ImportPlan.Break], allOfThem: Bool, today: LocalDate) async throws {
        var others = try await PostgresStreakLedger.breaks(tx.connection, userID: userID, logger: tx.logger).compactMap(\.days)
        for item in breaks {
            if others.contains(item.days) { continue }
            let upcoming = item.days.lowerBound > today
            guard upcoming || allOfThem else { continue }
            if upcoming {
                do {
                    _ = try BreakRules.validate(from: item.days.lowerBound, to: item.days.upperBound, note: item.note, today: today, others: others)
                } catch {
                    for (field, problem) in error.fields.sorted(by: { $0.key < $1.key }) { problems.add(item.row, "breaks[\(item.row)].\(field)", problem) }
                    continue
                }
            } else if others.contains(where: { $0.overlaps(item.days) }) {
                problems.add(item.row, "breaks[\(item.row)].from", "overlaps a break already planned")
                continue
            }
            try await tx.execute(
                """
                INSERT INTO breaks (user_id, first_day, last_day, note, created_at)
                VALUES (\(userID), \(item.days.lowerBound.description)::date, \(item.days.upperBound.description)::date, \(item.note), \(now))
                """)
            others.append(item.days)
        }
    }

    /// Keys the user does not have yet; existing keys are kept as they are.
    private mutating func importKeyValues(_ entries: [(key: String, json: Data)]) async throws {
        guard !entries.isEmpty else { return }
        var count = try await tx.one("SELECT count(*) FROM key_values WHERE user_id = \(userID)").decode(Int.self)
        for (key, json) in entries {
            if try await tx.first("SELECT 1 FROM key_values WHERE user_id = \(userID) AND key = \(key)") != nil {
                report.kvSkipped += 1
                continue
            }
            guard count < KeyValueService.maxKeys else {
                problems.add(nil, "kv.\(key)", "would make more than \(KeyValueService.maxKeys) keys")
                continue
            }
            try await tx.execute(
                "INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (\(userID), \(key), \(json), \(KeyValueService.etag(json)), \(now))")
            count += 1
            report.kvCreated += 1
        }
    }
}
