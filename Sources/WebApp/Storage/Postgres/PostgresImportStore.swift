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
    var book = ImportBook()

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
            book.knows(task: id, title: title, createdAt: createdAt)
        }
        for task in plan.tasks { try await importTask(task) }
        let rules = try await PostgresStreakLedger.dayRules(tx, userID: userID)
        for (index, session) in plan.sessions.enumerated() {
            try await importSession(session, rules: rules)
            if (index + 1) % 1000 == 0 || index + 1 == plan.sessions.count { progress?(index + 1, plan.sessions.count) }
        }
        try await importBreaks(plan.breaks, allOfThem: isNew, today: (try await self.user() ?? user).today(at: now))
        try await importKeyValues(plan.keyValues)
        if !book.problems.isEmpty { throw book.problems }
        try await PostgresStreakLedger.recompute(tx, userID: userID, qualifySeconds: qualifySeconds, at: now, announce: false)
        return book.report
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

    /// A file's task the user does not have is created as the file has it.
    private mutating func importTask(_ task: ImportPlan.Task) async throws {
        if book.matches(task) { return }
        let id = try await insertTask(
            title: task.content.title, description: task.content.description, status: task.status, estimate: task.content.estimatePomodoros,
            createdAt: task.createdAt, updatedAt: task.updatedAt, completedAt: task.completedAt)
        if task.status == .done {
            _ = try await PostgresLedgers.awardXP(
                tx, userID: userID, amount: TaskCompletionXP.amount, reason: "task_completed", reference: "task:\(id)", at: now, announce: false)
        }
        book.created(task: id, title: task.content.title, at: task.createdAt, file: task)
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
        return id
    }

    /// The task a Toggl description names: the oldest with that title, else a new one.
    private mutating func task(titled title: String) async throws -> Int64 {
        if let existing = book.oldestTask(titled: title) { return existing }
        let id = try await insertTask(title: title, description: "", status: .todo, estimate: nil, createdAt: now, updatedAt: now, completedAt: nil)
        book.created(task: id, title: title, at: now)
        return id
    }

    private mutating func importSession(_ session: ImportPlan.Session, rules: DayRuleHistory) async throws {
        let taskID: Int64?
        switch session.task {
        case .file(let id)?: taskID = book.task(ofFile: id)
        case .title(let title)?: taskID = try await task(titled: title)
        case nil: taskID = nil
        }
        var record = FocusSessionRecord(
            userId: userID, sessionId: session.sessionID, startTime: session.start, endTime: session.end, timezone: session.timezone, taskId: taskID,
            fullPomodoro: session.fullPomodoro, plannedSeconds: session.plannedSeconds, createdAt: now)
        if let row = try await tx.first(
            "SELECT \(unescaped: FocusSessionRecord.postgresColumns) FROM focus_sessions WHERE user_id = \(userID) AND session_id = \(session.sessionID)")
        {
            book.alreadyStored(try FocusSessionRecord(postgres: row), session, as: record)
            return
        }
        _ = try await PostgresStreakLedger.recordWithoutStreak(tx, &record, rules: rules, announce: false)
        book.report.sessionsCreated += 1
    }

    private mutating func importBreaks(_ breaks: [ImportPlan.Break], allOfThem: Bool, today: LocalDate) async throws {
        var others = try await PostgresStreakLedger.breaks(tx.connection, userID: userID, logger: tx.logger).compactMap(\.days)
        for item in breaks where book.admits(item, others: others, allOfThem: allOfThem, today: today) {
            try await tx.execute(
                """
                INSERT INTO breaks (user_id, first_day, last_day, note, created_at)
                VALUES (\(userID), \(item.days.lowerBound.description)::date, \(item.days.upperBound.description)::date, \(item.note), \(now))
                """)
            others.append(item.days)
        }
    }

    private mutating func importKeyValues(_ entries: [(key: String, json: Data)]) async throws {
        guard !entries.isEmpty else { return }
        var count = try await tx.one("SELECT count(*) FROM key_values WHERE user_id = \(userID)").decode(Int.self)
        for (key, json) in entries {
            let exists = try await tx.first("SELECT 1 FROM key_values WHERE user_id = \(userID) AND key = \(key)") != nil
            guard book.admits(key: key, exists: exists, count: count) else { continue }
            try await tx.execute(
                "INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES (\(userID), \(key), \(json), \(KeyValueService.etag(json)), \(now))")
            count += 1
        }
    }
}
