import Domain
import Foundation
import Testing

@testable import WebApp

/// Exports, imports and calendar feeds hold to one contract on both backends (SPEC §10,
/// §14): an account exported and imported into a new one arrives whole; a dry run changes
/// nothing; an import again skips what is there.
@Suite(.coversBothBackends) struct ExchangeStorageContractTests {
    static let monday = FocusStorageContractTests.monday
    static let goal = FocusStorageContractTests.goal

    static func export(_ store: TestStore, userID: Int64) async throws -> Data {
        let chunks = Chunks()
        try await AccountExport(database: store.storage, userID: userID, now: monday).write { chunks.bytes += $0 }
        return Data(chunks.bytes)
    }

    final class Chunks: @unchecked Sendable {
        // safe: written by one export at a time, read after it ends
        var bytes: [UInt8] = []
    }

    @Test(arguments: Backend.available)
    func anExportImportsWholeIntoANewAccountAndOnlyOnce(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store, "ada")
            let task = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Write", description: "notes", estimatePomodoros: 2), status: .todo, now: Self.monday)
            _ = try await db.createTask(userID: ada.userID, content: try TaskContent(title: "Done", description: "", estimatePomodoros: nil), status: .done, now: Self.monday)
            for day in 0..<3 {
                _ = try await db.acceptSession(
                    userID: ada.userID, FocusStorageContractTests.submission("s-\(day)", start: Self.monday - 3_600 - Double(day) * 86_400, minutes: 30, task: task.taskID),
                    qualifySeconds: Self.goal, now: Self.monday)
            }
            _ = try await db.planBreak(userID: ada.userID, from: LocalDate("2026-12-05"), to: LocalDate("2026-12-06"), note: "trip", qualifySeconds: Self.goal, now: Self.monday)
            _ = try await db.put(userID: ada.userID, key: "theme", value: StoredValue(json: Data(#"{"dark":true}"#.utf8), etag: "\"1\""), keyLimit: 10,
                condition: ETagCondition(ifMatch: nil, ifNoneMatch: nil), now: Self.monday)
            let pages = try await db.exportSessions(userID: ada.userID, after: 0)
            #expect(pages.count == 3 && pages.allSatisfy { $0.taskTitle == "Write" })
            #expect(try await db.exportTasks(userID: ada.userID, after: task.taskID).map(\.title) == ["Done"])

            let file = try await Self.export(store, userID: ada.userID)
            let plan = try ExportFileReader.read(file, now: Self.monday)
            let bob = try await StorageContractTests.newUser(store, "bob")
            let dry = try await db.applyImport(plan, userID: bob.userID, dryRun: true, qualifySeconds: Self.goal, now: Self.monday, progress: nil)
            #expect(dry.tasksCreated == 2 && dry.sessionsCreated == 3 && dry.kvCreated == 1)
            #expect(try await db.exportTasks(userID: bob.userID, after: 0).isEmpty, "a dry run changes nothing")
            let report = try await db.applyImport(plan, userID: bob.userID, dryRun: false, qualifySeconds: Self.goal, now: Self.monday, progress: nil)
            #expect(report == dry)
            let bobs = try await db.exportTasks(userID: bob.userID, after: 0)
            #expect(bobs.map(\.title) == ["Write", "Done"] && bobs[0].focusSeconds == 5_400 && bobs[0].estimatePomodoros == 2)
            #expect(try await db.breaks(userID: bob.userID).map(\.firstDay) == ["2026-12-05"])
            #expect(try await db.value(userID: bob.userID, key: "theme")?.json == Data(#"{"dark":true}"#.utf8))
            let (adaStreak, _) = try await db.streak(userID: ada.userID, day: LocalDate("2026-11-30")!)
            let (bobStreak, _) = try await db.streak(userID: bob.userID, day: LocalDate("2026-11-30")!)
            #expect(bobStreak.walk == adaStreak.walk, "the same facts, the same streak")
            #expect(try await db.user(id: bob.userID)?.xp == db.user(id: ada.userID)?.xp)

            let again = try await db.applyImport(plan, userID: bob.userID, dryRun: false, qualifySeconds: Self.goal, now: Self.monday, progress: nil)
            #expect(again.tasksMatched == 2 && again.sessionsSkipped == 3 && again.kvSkipped == 1 && again.tasksCreated == 0)
            let extras = try #require(try await db.exportAccount(userID: bob.userID))
            #expect(extras.keyValues.map(\.key) == ["theme"] && extras.breaks.count == 1 && extras.user.username == "bob")
        }
    }

    @Test(arguments: Backend.available)
    func aCalendarFeedIsFoundByItsTokenUntilReplacedOrDeleted(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store)
            #expect(try await db.calendarFeedCreated(userID: ada.userID) == nil)
            try await db.replaceCalendarFeed(userID: ada.userID, tokenHash: "h1", now: Self.monday)
            _ = try await db.acceptSession(userID: ada.userID, FocusStorageContractTests.submission("s", start: Self.monday - 600, minutes: 5), qualifySeconds: Self.goal, now: Self.monday)
            let feed = try #require(try await db.calendarFeed(tokenHash: "h1", since: Self.monday - 86_400))
            #expect(feed.user.userID == ada.userID && feed.sessions.map(\.session.sessionId) == ["s"] && feed.sessions.first?.taskTitle == nil)
            #expect(try await db.calendarFeed(tokenHash: "h1", since: Self.monday)?.sessions.isEmpty == true)
            try await db.replaceCalendarFeed(userID: ada.userID, tokenHash: "h2", now: Self.monday + 1)
            #expect(try await db.calendarFeed(tokenHash: "h1", since: Self.monday) == nil)
            #expect(try await db.calendarFeedCreated(userID: ada.userID) == Self.monday + 1)
            #expect(try await db.deleteCalendarFeed(userID: ada.userID))
            #expect(try await !db.deleteCalendarFeed(userID: ada.userID))
            #expect(await db.isReady())
            let totals = try await db.siteTotals(activeSince: Self.monday - 86_400)
            #expect(totals.users == 1 && totals.focusSeconds == 300)
        }
    }
}
