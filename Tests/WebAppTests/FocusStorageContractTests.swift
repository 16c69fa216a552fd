import Domain
import Foundation
import Testing

@testable import WebApp

/// Timers, sessions, streaks, breaks and day rules hold to one contract on both backends
/// (SPEC §4, §9, §14), with time passed in.
@Suite(.coversBothBackends) struct FocusStorageContractTests {
    /// 2026-11-30 09:00 UTC, a Monday.
    static let monday = Date(timeIntervalSince1970: 1_796_029_200)
    static let goal = 25.0 * 60
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    static func submission(_ id: String, start: Date, minutes: Double, task: Int64? = nil) -> SessionSubmission {
        SessionSubmission(sessionID: id, start: start, end: start + minutes * 60, timezone: "UTC", taskID: task)
    }

    @Test(arguments: Backend.available)
    func aTimerRunsPausesAndCompletesLazilyIntoASession(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let task = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Write", description: "", estimatePomodoros: nil), status: .todo, now: Self.monday)
            let done = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Old", description: "", estimatePomodoros: nil), status: .done, now: Self.monday)
            await #expect(throws: FocusConflict.taskNotOpen) {
                try await db.startTimer(userID: ada.userID, kind: .focus, plannedSeconds: 1500, taskID: done.taskID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday)
            }
            let started = try await db.startTimer(userID: ada.userID, kind: .focus, plannedSeconds: 1500, taskID: task.taskID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday)
            await #expect(throws: FocusConflict.timerAlreadyRunning) {
                try await db.startTimer(userID: ada.userID, kind: .shortBreak, plannedSeconds: 300, taskID: nil, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 1)
            }
            #expect(try await db.applyTimerAction(.pause, userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 300).status == .paused)
            await #expect(throws: TimerError.self) {
                try await db.applyTimerAction(.pause, userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 301)
            }
            _ = try await db.applyTimerAction(.resume, userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 600)
            #expect(try await db.timerState(userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 1_000).live?.id == started.id)

            let state = try await db.timerState(userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday + 3_000)
            #expect(state.live == nil && state.recent.first?.status == .completed && state.recent.first?.endedAt == Self.monday + 1_800, "ended at its planned end")
            let sessions = try await db.sessions(userID: ada.userID, from: Self.day("2026-11-30"), to: Self.day("2026-11-30"))
            #expect(sessions.map(\.sessionId) == ["timer-\(started.id ?? 0)"] && sessions.first?.seconds == 1_500 && sessions.first?.fullPomodoro == true)
            #expect(try await db.dailyTotals(userID: ada.userID, from: Self.day("2026-11-29"), to: Self.day("2026-12-01")) == [Self.day("2026-11-30"): 1_500])
            let (streak, seconds) = try await db.streak(userID: ada.userID, day: Self.day("2026-11-30"))
            #expect(seconds == 1_500 && streak.walk.qualifiedDays == 1 && streak.walk.lastQualifiedDate == Self.day("2026-11-30"))
            let stored = try #require(try await db.task(id: task.taskID, userID: ada.userID))
            #expect(stored.focusSeconds == 1_500 && stored.pomodoros == 1)
            #expect(try await db.user(id: ada.userID)?.xp ?? 0 > 0)
            #expect(try await db.lastTimer(userID: ada.userID)?.status == .completed)
            #expect(try await store.integer("SELECT count(*) FROM webhook_outbox") == 0, "no webhooks: nothing queued")
        }
    }

    @Test(arguments: Backend.available)
    func sessionsAreIdempotentByIDAndCountOnTheirDays(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let first = Self.submission("s-1", start: Self.monday - 86_400, minutes: 30)
            guard case .created(let created) = try await db.acceptSession(userID: ada.userID, first, qualifySeconds: Self.goal, now: Self.monday) else {
                Issue.record("created"); return
            }
            guard case .replayed(let replayed) = try await db.acceptSession(userID: ada.userID, first, qualifySeconds: Self.goal, now: Self.monday + 5) else {
                Issue.record("replayed"); return
            }
            #expect(replayed.id == created.id && replayed.createdAt == Self.monday)
            await #expect(throws: FocusConflict.sessionIDReused) {
                try await db.acceptSession(userID: ada.userID, Self.submission("s-1", start: Self.monday, minutes: 30), qualifySeconds: Self.goal, now: Self.monday)
            }
            // Across midnight: 23:50 to 00:20 counts ten minutes on one day and twenty on the next.
            let late = Date(timeIntervalSince1970: 1_796_082_600)
            _ = try await db.acceptSession(userID: ada.userID, Self.submission("s-2", start: late, minutes: 30), qualifySeconds: Self.goal, now: Self.monday)
            let totals = try await db.dailyTotals(userID: ada.userID, from: Self.day("2026-11-28"), to: Self.day("2026-12-02"))
            #expect(totals == [Self.day("2026-11-29"): 1_800, Self.day("2026-11-30"): 600, Self.day("2026-12-01"): 1_200])
            #expect(try await db.sessions(userID: ada.userID, from: Self.day("2026-12-01"), to: Self.day("2026-12-01")).map(\.sessionId) == ["s-2"])
            let (projection, all) = try await db.fullStreak(userID: ada.userID, qualifySeconds: Self.goal)
            #expect(all.count == 3 && projection.walk.qualifiedDays == 1, "only 11-29 reached 25 minutes")
        }
    }

    /// The same session posted many times at once (on PostgreSQL from many connections,
    /// as to several instances) counts once; timers started at once leave one live.
    @Test(arguments: Backend.available)
    func racingWritesCountOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        if case .created = try await db.acceptSession(
                            userID: ada.userID, Self.submission("same", start: Self.monday, minutes: 25), qualifySeconds: Self.goal, now: Self.monday)
                        { return true }
                        return false
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await db.dailyTotals(userID: ada.userID, from: Self.day("2026-11-30"), to: Self.day("2026-11-30")) == [Self.day("2026-11-30"): 1_500])
            let started = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            _ = try await db.startTimer(userID: ada.userID, kind: .focus, plannedSeconds: 1500, taskID: nil, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday)
                            return true
                        } catch FocusConflict.timerAlreadyRunning {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(started.filter { $0 }.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func breaksAndDayRulesChangeTheStreakFromTheirDayOn(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            let planned = try await db.planBreak(userID: ada.userID, from: Self.day("2026-12-02"), to: Self.day("2026-12-03"), note: "  trip ", qualifySeconds: Self.goal, now: Self.monday)
            #expect(planned.firstDay == "2026-12-02" && planned.lastDay == "2026-12-03" && planned.note == "trip")
            await #expect(throws: FieldErrors.self) {
                try await db.planBreak(userID: ada.userID, from: Self.day("2026-12-03"), to: Self.day("2026-12-04"), note: nil, qualifySeconds: Self.goal, now: Self.monday)
            }
            #expect(try await db.breaks(userID: ada.userID).map(\.id) == [planned.id])
            await #expect(throws: BreakConflict.started) {
                try await db.cancelBreak(userID: ada.userID, id: try #require(planned.id), qualifySeconds: Self.goal, now: Self.monday + 3 * 86_400)
            }
            try await db.cancelBreak(userID: ada.userID, id: try #require(planned.id), qualifySeconds: Self.goal, now: Self.monday)
            #expect(try await db.breaks(userID: ada.userID).isEmpty)
            await #expect(throws: BreakConflict.notFound) {
                try await db.cancelBreak(userID: ada.userID, id: try #require(planned.id), qualifySeconds: Self.goal, now: Self.monday)
            }

            // 02:00–02:30 on Tuesday counts on Tuesday; once days start at 04:00 (from Tuesday
            // on), it counts on Monday's day, and Wednesday's 02:00 on Tuesday's.
            let early = Self.monday + 17 * 3_600
            _ = try await db.acceptSession(userID: ada.userID, Self.submission("before", start: early, minutes: 30), qualifySeconds: Self.goal, now: Self.monday)
            let changed = try #require(try await db.updateProfile(
                userID: ada.userID, timezone: "UTC", settings: TimerSettings.standard, dayRules: DayRules(dayStartsAt: 4, restDays: .none),
                qualifySeconds: Self.goal, now: Self.monday))
            #expect(changed.dayStartsAt == 4 && changed.dayRulesFrom == "2026-12-01" && changed.earlierDayStartsAt == 0)
            let resplit = try await db.dailyTotals(userID: ada.userID, from: Self.day("2026-11-30"), to: Self.day("2026-12-01"))
            #expect(resplit == [Self.day("2026-11-30"): 1_800], "Tuesday 02:00 is still Monday's day once Tuesday starts at 04:00")
            let nextEarly = early + 86_400
            _ = try await db.acceptSession(userID: ada.userID, Self.submission("after", start: nextEarly, minutes: 30), qualifySeconds: Self.goal, now: nextEarly + 1_800)
            let later = try await db.dailyTotals(userID: ada.userID, from: Self.day("2026-11-30"), to: Self.day("2026-12-02"))
            #expect(later == [Self.day("2026-11-30"): 1_800, Self.day("2026-12-01"): 1_800], "\(later)")
            #expect(try await store.integer("SELECT count(*) FROM day_rules") == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theDashboardReadsItsTasksAndPanelsTogether(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            for title in ["One", "Two", "Three"] {
                _ = try await db.createTask(userID: ada.userID, content: try TaskContent(title: title, description: "", estimatePomodoros: nil), status: .todo, now: Self.monday)
            }
            _ = try await db.startTimer(userID: ada.userID, kind: .focus, plannedSeconds: 1500, taskID: nil, timezone: "UTC", qualifySeconds: Self.goal, now: Self.monday)
            let (tasks, panels) = try await db.dashboardSnapshot(
                userID: ada.userID, tasks: TaskQuery(limit: 2), timezone: "UTC", qualifySeconds: Self.goal, from: Self.day("2026-09-07"),
                to: Self.day("2026-11-30"), now: Self.monday + 60)
            #expect(tasks.items.map(\.title) == ["Three", "Two"] && tasks.nextCursor != nil)
            #expect(panels.live?.status == .running && panels.openTasks.map(\.title) == ["Three", "Two", "One"] && panels.settledNow == nil)
            let later = try await db.progressSnapshot(
                userID: ada.userID, timezone: "UTC", qualifySeconds: Self.goal, from: Self.day("2026-09-07"), to: Self.day("2026-11-30"), now: Self.monday + 1_600)
            #expect(later.live == nil && later.settledNow?.status == .completed && later.totals == [Self.day("2026-11-30"): 1_500])
            #expect(later.streak.walk.qualifiedDays == 1 && later.finished.count == 1)
        }
    }
}
