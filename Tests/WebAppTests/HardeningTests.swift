import Domain
import Foundation
import GRDB
import HTTPTypes
import Logging
import ServiceLifecycle
import Testing

@testable import WebApp

/// Findings of the outside review, each with the test that failed before its fix.
@Suite(.closingTestApps) struct HardeningTests {
    /// With more than 100 newer users whose names contain the changed user's name, the
    /// admin's change still answers with that user's row.
    @Test func anAdminChangeFindsItsRowWhateverOtherNamesMatch() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        let database = app.services.database
        let target = try await database.createUser(UserRecord(username: "al", passwordHash: "x", timezone: "UTC", createdAt: app.clock.now))
        for index in 0..<120 {
            _ = try await database.createUser(UserRecord(username: "al\(index)", passwordHash: "x", timezone: "UTC", createdAt: app.clock.now.addingTimeInterval(Double(index + 1))))
        }
        try await app.test { client in
            let root = try await client.apiLogin("root")
            let response = try await client.api(.patch, "/api/v1/admin/users/\(target.userID)", json: #"{"disabled": true}"#, token: root)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.json()["username"] as? String == "al")
            #expect(try response.json()["disabled"] as? Bool == true)
        }
    }

    @Test func textWithNULIsRefusedNeverTruncated() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let title = try await client.api(.post, "/api/v1/tasks", json: #"{"title": "nul\u0000after"}"#, token: ada.access)
            #expect(title.status == .unprocessableContent && title.errorFields == ["title": "must not contain the NUL character"])
            let now = RFC3339.string(app.clock.now)
            let earlier = RFC3339.string(app.clock.now.addingTimeInterval(-600))
            let first = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id": "a\u0000b", "start_time": "\#(earlier)", "end_time": "\#(now)"}"#, token: ada.access)
            #expect(first.status == .unprocessableContent && first.errorFields?["session_id"] != nil)
            let list = try await client.api(.get, "/api/v1/tasks", token: ada.access).json()
            #expect((list["items"] as? [Any])?.isEmpty == true, "nothing stored")
            let browser = Browser(client)
            try await browser.signup("bob")
            let form = try await browser.post("/tasks", ["title": "nul\u{0}after"])
            #expect(form.status == .unprocessableContent, "\(form.status)")
        }
    }

    /// Stored text reads back byte-identical, for random titles of every kind of
    /// character but NUL (seeded; the seed is printed on failure).
    @Test(arguments: [UInt64(7), 2026, 90_210])
    func storedTextReadsBackByteIdentical(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let pieces: [ClosedRange<UInt32>] = [0x01...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF]
        let texts = (0..<40).map { _ in
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                let range = pieces[Int.random(in: 0..<pieces.count, using: &random)]
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &random)) { scalars.append(scalar) }
            }
            return "x" + String(scalars) + "x"
        }
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for text in texts {
                let body = try JSONSerialization.data(withJSONObject: ["title": "t", "description": text])
                let created = try await client.api(.post, "/api/v1/tasks", json: String(decoding: body, as: UTF8.self), token: ada.access)
                #expect(created.status == .created, "seed \(seed)")
                let id = try #require(try created.json()["id"] as? Int)
                let stored = try await client.api(.get, "/api/v1/tasks/\(id)", token: ada.access).json()["description"] as? String
                #expect(stored.map { Array($0.utf8) } == Array(text.utf8), "seed \(seed): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    /// A full pomodoro earns +1 per planned minute up to +25 (a 1-minute one cannot farm +25).
    @Test func aShortFullPomodoroEarnsItsLengthNotTwentyFive() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            _ = try await client.api(.post, "/api/v1/timer/start", json: #"{"minutes": 1}"#, token: ada.access)
            app.clock.advance(by: 61)
            _ = try await client.api(.get, "/api/v1/timer", token: ada.access)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 1 + 1)
            let long = try await client.api(.post, "/api/v1/timer/start", json: #"{"kind": "focus", "minutes": 40}"#, token: ada.access)
            #expect(long.status == .created, "\(long.text)")
            app.clock.advance(by: 40 * 60 + 1)
            _ = try await client.api(.get, "/api/v1/timer", token: ada.access)
            let xp = try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int
            #expect(xp == 2 + 40 + 25, "the bonus stops at +25, got \(xp ?? -1)")
        }
    }

    /// Migration v9 re-values earlier full pomodoros under the new rule and re-sums XP.
    @Test(.sqliteOnly) func existingLedgersMoveToTheNewPomodoroRule() async throws {
        let path = TemporaryFolders.new("fq-v9").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path)
        try Migrations.migrator.migrate(database.pool, upTo: "v8-key-values")
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO users (id, username, password_hash, created_at, xp) VALUES (1, 'old', 'h', '2026-01-01 00:00:00', 26 + 50 + 10 + 7);
                INSERT INTO focus_sessions (user_id, session_id, start_time, end_time, timezone, full_pomodoro, created_at) VALUES
                    (1, 'timer-1', '2026-01-01 10:00:00.000', '2026-01-01 10:01:00.000', 'UTC', 1, '2026-01-01 10:01:00'),
                    (1, 'timer-2', '2026-01-01 11:00:00.000', '2026-01-01 11:50:00.000', 'UTC', 1, '2026-01-01 11:50:00'),
                    (1, 'api-1', '2026-01-01 12:00:00.000', '2026-01-01 12:07:30.000', 'UTC', 0, '2026-01-01 12:08:00');
                INSERT INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES
                    (1, 26, 'focus_session', 'session:timer-1', '2026-01-01 10:01:00'),
                    (1, 75, 'focus_session', 'session:timer-2', '2026-01-01 11:50:00'),
                    (1, 7, 'focus_session', 'session:api-1', '2026-01-01 12:08:00'),
                    (1, 10, 'task_completed', 'task:1', '2026-01-01 12:00:00');
                """)
        }
        try database.migrate()
        let (amounts, xp, planned) = try await database.pool.read { db in
            (
                try Int.fetchAll(db, sql: "SELECT amount FROM xp_ledger ORDER BY id"),
                try Int.fetchOne(db, sql: "SELECT xp FROM users WHERE id = 1"),
                try Int?.fetchAll(db, sql: "SELECT planned_seconds FROM focus_sessions ORDER BY id")
            )
        }
        #expect(amounts == [1 + 1, 50 + 25, 7, 10])
        #expect(xp == amounts.reduce(0, +), "the cached total equals the ledger")
        #expect(planned == [60, 3000, nil])
        try database.close()
    }

    /// An idle server gives the log's space back once everything is copied.
    @Test func theCheckpointPlanTruncatesOnlyWhenIdle() {
        var plan = WALCheckpointer.Plan()
        #expect(plan.next(frames: 100, copied: 100) == nil, "first look")
        #expect(plan.next(frames: 120, copied: 120) == nil, "still written to")
        #expect(plan.next(frames: 120, copied: 110) == nil, "not all copied")
        #expect(plan.next(frames: 120, copied: 120) == .truncate, "unchanged and copied: idle")
        #expect(plan.next(frames: 0, copied: 0) == nil)
        #expect(plan.next(frames: WALCheckpointer.restartFrames + 1, copied: 5) == .restart)
    }

    @Test(.sqliteOnly) func theCheckpointerShrinksTheLogAfterABurst() async throws {
        let path = TemporaryFolders.new("fq-wal-idle").appendingPathComponent("db.sqlite").path
        let database = try AppDatabase(path: path, checkpointsInBackground: true)
        try database.migrate()
        try await database.write { db in
            for index in 0..<3_000 {
                try db.execute(sql: "INSERT INTO users (username, password_hash, created_at) VALUES (?, 'x', '2026-01-01 00:00:00')", arguments: ["user\(index)"])
            }
        }
        let walSize = { ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? -1 }
        #expect(walSize() > 100_000)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let checkpointer = WALCheckpointer(path: path, interval: .milliseconds(20), logger: logger)
        let running = Task { try await checkpointer.run() }
        var shrunk = false
        for _ in 0..<100 where !shrunk {
            try await Task.sleep(for: .milliseconds(20))
            shrunk = walSize() == 0
        }
        running.cancel()
        _ = await running.result
        #expect(shrunk, "the log file was truncated while idle")
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") } == 3_000)
        try database.close()
    }

    /// Development rebuilds the templates only when a file changed.
    @Test func developmentReloadsTemplatesOnlyWhenAFileChanged() throws {
        let folder = TemporaryFolders.new("fq-views")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = folder.appendingPathComponent("page.html")
        try "<p>{{ word }}</p>".write(to: page, atomically: true, encoding: .utf8)
        let views = try Views(directory: folder, reloading: true, strict: true, checkInterval: .zero)
        for _ in 0..<20 { _ = try views.library.render("page", ["word": "one"]) }
        #expect(views.reloads == 0, "nothing changed, nothing rebuilt")
        try "<p>{{ word }}!</p>".write(to: page, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: page.path)
        #expect(String(decoding: try views.library.render("page", ["word": "two"]), as: UTF8.self) == "<p>two!</p>")
        #expect(views.reloads == 1)
        _ = try views.library.render("page", ["word": "three"])
        #expect(views.reloads == 1)
        let production = try Views(directory: folder, reloading: false, strict: true)
        try "<p>changed</p>".write(to: page, atomically: true, encoding: .utf8)
        #expect(String(decoding: try production.library.render("page", ["word": "x"]), as: UTF8.self) == "<p>x!</p>", "production never reloads")
    }

    @Test func developmentReadsTheProjectsTemplates() throws {
        let development = try AppConfig.fromEnvironment(["APP_ENV": "development", "DATABASE_PATH": TemporaryFolders.new("fq-dev").appendingPathComponent("db.sqlite").path])
        let expected = FileManager.default.fileExists(atPath: "Sources/WebApp/Views/layout.html") ? "Sources/WebApp/Views" : nil
        #expect(development.viewsDirectory == expected)
        let production = try AppConfig.fromEnvironment(["APP_ENV": "production", "JWT_SECRET": String(repeating: "s", count: 40)])
        #expect(production.viewsDirectory == nil)
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "VIEWS_DIR": "/srv/views"]).viewsDirectory == "/srv/views")
    }
}
