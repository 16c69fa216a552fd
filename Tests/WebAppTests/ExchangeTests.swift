import Domain
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import WebApp

/// SPEC §10 over HTTP: export, import (FocusQuest and Toggl), CSV, the calendar feed.
@Suite(.closingTestApps) struct ExchangeTests {
    static let endOfHistory = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    func session(_ client: any TestClientProtocol, _ token: String, _ id: String, _ start: String, _ end: String, _ zone: String, task: Int? = nil) async throws {
        let taskPart = task.map { #","task_id":\#($0)"# } ?? ""
        let response = try await client.api(
            .post, "/api/v1/sessions", json: #"{"session_id":"\#(id)","start_time":"\#(start)","end_time":"\#(end)","timezone":"\#(zone)"\#(taskPart)}"#,
            token: token)
        #expect(response.status == .created, "\(response.text)")
    }

    /// Everything the round trip compares: tasks, sessions, daily minutes and states, the
    /// streak, XP and the stored values — with ids replaced by what they name.
    func snapshot(_ client: any TestClientProtocol, _ token: String) async throws -> String {
        let tasks = try #require(try await client.api(.get, "/api/v1/tasks?limit=100", token: token).json()["items"] as? [[String: Any]])
        let titles = Dictionary(uniqueKeysWithValues: tasks.map { ($0["id"] as? Int ?? 0, $0["title"] as? String ?? "") })
        let taskLines = tasks.map { task in
            ["title", "description", "status", "estimate_pomodoros", "total_minutes", "pomodoros", "created_at", "updated_at", "completed_at"]
                .map { "\(task[$0] ?? "nil")" }.joined(separator: "|")
        }.sorted()
        let sessions = try #require(
            try await client.api(.get, "/api/v1/sessions?from=2026-01-20&to=2027-01-15", token: token).json()["items"] as? [[String: Any]])
        let sessionLines = sessions.map { session in
            ["session_id", "start_time", "end_time", "timezone", "minutes"].map { "\(session[$0] ?? "nil")" }.joined(separator: "|")
                + "|" + (titles[session["task_id"] as? Int ?? -1] ?? "no task")
        }.sorted()
        let calendar = try await client.api(.get, "/api/v1/streak/calendar?from=2026-01-20&to=2027-01-15", token: token).text
        var streak = try await client.api(.get, "/api/v1/streak", token: token).json()
        streak["timezone"] = nil
        let me = try await client.api(.get, "/api/v1/me", token: token).json()
        // Values are kept as equal JSON (an import writes its keys sorted), so compare them parsed.
        let kv = try await client.api(.get, "/api/v1/kv/theme", token: token).json().sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return (taskLines + ["--"] + sessionLines + ["--", calendar, "\(streak.sorted { $0.key < $1.key })", "xp \(me["xp"] ?? "")", "level \(me["level"] ?? "")",
            "\(me["timezone"] ?? "")", "\((me["settings"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key })", "\(kv)"]).joined(separator: "\n")
    }

    @Test func anExportImportedIntoANewAccountReproducesItAndAgainChangesNothing() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_772_000_000))  // 2026-02-25
        let app = try await TestApp.make(clock: clock)
        try await app.test { client in
            let ada = try await client.apiSignup("ada").access
            var response = try await client.api(.patch, "/api/v1/me", json: #"{"timezone":"Europe/Berlin","settings":{"day_starts_at":2,"rest_days":["sun"]}}"#, token: ada)
            #expect(response.status == .ok, "\(response.text)")
            clock.set(Self.endOfHistory)
            let ada2 = try await client.apiLogin("ada")
            var taskIDs: [Int] = []
            for (title, description) in [("Write", "the =first, \"quoted\" draft"), ("Read", ""), ("Finish", "done soon")] {
                let created = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"\#(title)","description":"\#(description.replacingOccurrences(of: "\"", with: "\\\""))","estimate_pomodoros":3}"#, token: ada2)
                taskIDs.append(try #require(try created.json()["id"] as? Int))
            }
            try await session(client, ada2, "dst-berlin", "2026-03-29T00:30:00Z", "2026-03-29T02:00:00Z", "Europe/Berlin", task: taskIDs[0])
            try await session(client, ada2, "over-day-start", "2026-06-11T23:00:00.250Z", "2026-06-12T01:00:00Z", "Europe/Berlin", task: taskIDs[0])
            try await session(client, ada2, "dst-new-york", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "America/New_York", task: taskIDs[1])
            for day in 8...14 {
                let date = String(format: "2027-01-%02d", day)
                try await session(client, ada2, "run-\(day)", "\(date)T07:00:00Z", "\(date)T07:40:00Z", "Europe/Berlin", task: day % 2 == 0 ? taskIDs[2] : nil)
            }
            response = try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus","task_id":\#(taskIDs[2]),"minutes":25}"#, token: ada2)
            #expect(response.status == .created, "\(response.text)")
            clock.advance(by: 25 * 60)
            #expect(try await client.api(.get, "/api/v1/timer", token: ada2).status == .ok, "reading the timer records its session")
            response = try await client.api(.patch, "/api/v1/tasks/\(taskIDs[2])", json: #"{"status":"done"}"#, token: ada2)
            #expect(response.status == .ok, "\(response.text)")
            response = try await client.api(.post, "/api/v1/breaks", json: #"{"from":"2027-01-20","to":"2027-01-22","note":"Trip; skiing, at last"}"#, token: ada2)
            #expect(response.status == .created, "\(response.text)")
            response = try await client.api(.put, "/api/v1/kv/theme", json: #"{"dark":true,"size":1.5,"names":["a","b"]}"#, token: ada2)
            #expect(response.status == .created, "\(response.text)")

            let export = try await client.api(.get, "/api/v1/export", token: ada2)
            #expect(export.status == .ok)
            #expect(export.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"focusquest-ada-") == true)
            let document = try export.json()
            #expect(document["format"] as? String == "focusquest-export" && document["version"] as? Int == 1)
            #expect((document["sessions"] as? [Any])?.count == 11 && (document["tasks"] as? [Any])?.count == 3)
            #expect(export.text.contains(#""start_time":"2026-06-11T23:00:00.250Z""#), "milliseconds are kept")
            let original = try await snapshot(client, ada2)
            #expect(original.contains("\"kind\"") == false)

            let bob = try await client.apiSignup("bob").access
            let dry = try await client.execute(
                uri: "/api/v1/import?dry_run=true", method: .post, headers: [.authorization: "Bearer \(bob)", .contentType: "application/json"], body: export.body)
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(try dry.json()["sessions_created"] as? Int == 11 && dry.json()["tasks_created"] as? Int == 3)
            #expect((try await client.api(.get, "/api/v1/tasks", token: bob).json()["items"] as? [Any])?.isEmpty == true, "a dry run stores nothing")

            let imported = try await client.execute(
                uri: "/api/v1/import", method: .post, headers: [.authorization: "Bearer \(bob)", .contentType: "application/json"], body: export.body)
            #expect(imported.status == .ok, "\(imported.text)")
            let report = try imported.json()
            #expect(report["tasks_created"] as? Int == 3 && report["sessions_created"] as? Int == 11 && report["kv_created"] as? Int == 1)
            let copy = try await snapshot(client, bob)
            #expect(copy == original)


            let again = try await client.execute(
                uri: "/api/v1/import", method: .post, headers: [.authorization: "Bearer \(bob)", .contentType: "application/json"], body: export.body)
            let second = try again.json()
            #expect(second["tasks_created"] as? Int == 0 && second["tasks_matched"] as? Int == 3)
            #expect(second["sessions_created"] as? Int == 0 && second["sessions_skipped"] as? Int == 11 && second["kv_skipped"] as? Int == 1)
            #expect(try await snapshot(client, bob) == original, "importing again changes nothing")

            let own = try await client.execute(
                uri: "/api/v1/import", method: .post, headers: [.authorization: "Bearer \(ada2)", .contentType: "application/json"], body: export.body)
            #expect(try own.json()["sessions_created"] as? Int == 0)
            #expect(try await snapshot(client, ada2) == original, "an account's own export changes nothing in it")
        }
    }

    func importing(_ client: any TestClientProtocol, _ token: String, _ body: String, query: String = "") async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/import\(query)", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: body))
    }

    @Test func badFilesAreRefusedRowByRowAndStoreNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada").access
            let task = #"{"id":1,"title":"Kept?","status":"todo","created_at":"2026-01-01T00:00:00Z"}"#
            func file(_ sessions: String, version: Int = 1, format: String = "focusquest-export") -> String {
                #"{"format":"\#(format)","version":\#(version),"tasks":[\#(task)],"sessions":[\#(sessions)]}"#
            }
            let good = #"{"session_id":"a","start_time":"2026-01-01T10:00:00Z","end_time":"2026-01-01T11:00:00Z","timezone":"UTC","task_id":1}"#
            var response = try await importing(client, ada, "{not json")
            #expect(response.status == .badRequest && response.text.contains("malformed_json"))
            response = try await importing(client, ada, file(good, format: "toggl"))
            #expect(response.status == .unprocessableContent && response.text.contains(#""field":"format""#) && response.text.contains(#""row":null"#))
            response = try await importing(client, ada, file(good, version: 2))
            #expect(response.status == .unprocessableContent && response.text.contains(#""field":"version""#))
            let long = #"{"session_id":"b","start_time":"2026-01-01T10:00:00Z","end_time":"2026-01-02T10:00:01Z","timezone":"UTC"}"#
            let badDate = #"{"session_id":"c","start_time":"yesterday","end_time":"2026-01-01T11:00:00Z","timezone":"Mars/Base"}"#
            response = try await importing(client, ada, file([good, long, badDate].joined(separator: ",")))
            #expect(response.status == .unprocessableContent, "\(response.text)")
            let rows = try #require(try response.json()["error"] as? [String: Any])["errors"] as? [[String: Any]]
            let named = Set((rows ?? []).map { "\($0["row"] ?? "")|\($0["field"] ?? "")" })
            #expect(named == ["2|sessions[2].end_time", "3|sessions[3].start_time", "3|sessions[3].timezone"], "\(named)")
            #expect((try await client.api(.get, "/api/v1/tasks", token: ada).json()["items"] as? [Any])?.isEmpty == true, "nothing stored")
            response = try await importing(client, ada, file(good), query: "?source=csv&dry_run=maybe")
            #expect(response.status == .unprocessableContent && response.errorFields?["source"] != nil && response.errorFields?["dry_run"] != nil)

            let oversized = try await importing(client, ada, String(repeating: " ", count: 21 << 20))
            #expect(oversized.status == .contentTooLarge && oversized.text.contains("20 MiB"))
            let padding = String(repeating: " ", count: 2 << 20)
            response = try await importing(client, ada, file(good) + padding)
            #expect(response.status == .ok, "a 2 MiB file is within this route's limit: \(response.text.prefix(200))")
            let elsewhere = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"x"}"# + padding, token: ada)
            #expect(elsewhere.status == .contentTooLarge, "other routes keep the 1 MiB limit")
        }
    }

    @Test func aTogglCSVBecomesSessionsAndTasksOnce() async throws {
        let app = try await TestApp.make()
        let csv = try String(contentsOf: TestApp.repositoryRoot.appendingPathComponent("Tests/WebAppTests/Fixtures/toggl-detailed.csv"), encoding: .utf8)
        try await app.test { client in
            let ada = try await client.apiSignup("ada").access
            func send(_ text: String, _ query: String = "?source=toggl&timezone=Europe/Berlin") async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/import\(query)", method: .post, headers: [.authorization: "Bearer \(ada)", .contentType: "text/csv"], body: ByteBuffer(string: text))
            }
            var response = try await send(csv)
            #expect(response.status == .ok, "\(response.text)")
            var report = try response.json()
            #expect(report["sessions_created"] as? Int == 4 && report["tasks_created"] as? Int == 2, "one task per distinct description, none for an empty one")
            let sessions = try #require(try await client.api(.get, "/api/v1/sessions?from=2026-10-01&to=2026-10-31", token: ada).json()["items"] as? [[String: Any]])
            let times = Set(sessions.map { "\($0["start_time"] ?? "")-\($0["end_time"] ?? "")" })
            #expect(times.contains("2026-10-05T07:00:00Z-2026-10-05T07:45:00Z"), "Berlin summer time is UTC+2")
            #expect(times.contains("2026-10-05T21:30:00Z-2026-10-05T22:20:00Z"), "an entry over midnight")
            #expect(times.contains("2026-10-25T00:30:00Z-2026-10-25T02:10:00Z"), "02:30 on the night clocks go back is its first occurrence")
            let titles = Set((try await client.api(.get, "/api/v1/tasks", token: ada).json()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String })
            #expect(titles == ["Draft chapter one", #"Edit, then "polish""#])
            report = try await send(csv).json()
            #expect(report["sessions_created"] as? Int == 0 && report["sessions_skipped"] as? Int == 4 && report["tasks_created"] as? Int == 0)

            response = try await send("Description,Start date,Start time,End date\nx,2026-10-05,09:00:00,2026-10-05\n")
            #expect(response.status == .unprocessableContent && response.text.contains(#""field":"End time""#))
            response = try await send(
                "Description,Start date,Start time,End date,End time\nok,2026-10-05,09:00:00,2026-10-05,10:00:00\nbad,05/10/2026,09:00:00,2026-10-05,10:00:00\nlong,2026-10-05,09:00:00,2026-10-06,10:00:00\n")
            #expect(response.status == .unprocessableContent)
            let rows = try #require(try response.json()["error"] as? [String: Any])["errors"] as? [[String: Any]]
            #expect(Set((rows ?? []).map { "\($0["row"] ?? "")|\($0["field"] ?? "")" }) == ["2|Start date", "3|End time"])
        }
    }

    @Test func csvExportsQuoteAndDefuseFormulas() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada").access
            _ = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"=HYPERLINK(\"x\")","description":"line one\nline, two"}"#, token: ada)
            let csv = try await client.api(.get, "/api/v1/export/tasks.csv", token: ada)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("id,title,description,status,estimate_pomodoros,total_minutes,pomodoros,created_at,updated_at,completed_at\r\n"))
            #expect(csv.text.contains(#","'=HYPERLINK(""x"")","line one"#), "\(csv.text)")
            #expect(csv.text.contains("\"line one\nline, two\""))
            let sessions = try await client.api(.get, "/api/v1/export/sessions.csv?from=2026-01-01&to=2026-01-02", token: ada)
            #expect(sessions.status == .ok && sessions.text == "session_id,start_time,end_time,timezone,task_id,task_title,minutes\r\n")
            #expect(try await client.api(.get, "/api/v1/export/sessions.csv?from=2026-01-01", token: ada).status == .unprocessableContent)
        }
    }

    @Test func theCalendarFeedIsSecretRevocableAndFolded() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada").access
            try await session(client, ada, "s1", "2027-01-14T09:00:00Z", "2027-01-14T10:00:00Z", "UTC")
            let created = try await client.api(.post, "/api/v1/calendar-feed", json: nil, token: ada)
            #expect(created.status == .created)
            let url = try #require(try created.json()["url"] as? String)
            let marker = try #require(url.range(of: "/cal/"))
            let path = String(url[marker.lowerBound...])
            let feed = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            #expect(feed.status == .ok && feed.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(feed.text.hasPrefix("BEGIN:VCALENDAR\r\n") && feed.text.contains("DTSTART:20270114T090000Z\r\n"))
            #expect(feed.text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            let again = try await client.api(.post, "/api/v1/calendar-feed", json: nil, token: ada)
            #expect(again.status == .created)
            #expect(try await client.execute(uri: path, method: .get, headers: [:], body: nil).status == .notFound, "a new link replaces the old one")
            #expect(try await client.api(.delete, "/api/v1/calendar-feed", token: ada).status == .noContent)
            #expect(try await client.api(.delete, "/api/v1/calendar-feed", token: ada).status == .notFound)
            #expect(try await client.execute(uri: "/cal/not-a-token.ics", method: .get, headers: [:], body: nil).status == .notFound)
        }
    }
}

/// The settings page's upload: checked first, kept for 15 minutes, then confirmed.
@Suite(.closingTestApps) struct ImportPageTests {
    static func multipart(_ fields: [(String, String)], file: String, filename: String = "export.json") -> (ByteBuffer, String) {
        var text = ""
        for (name, value) in fields { text += "--B0undary\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
        text += "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/json\r\n\r\n\(file)\r\n--B0undary--\r\n"
        return (ByteBuffer(string: text), "multipart/form-data; boundary=B0undary")
    }

    static let file = #"{"format":"focusquest-export","version":1,"tasks":[{"id":1,"title":"From elsewhere","status":"todo","created_at":"2026-01-01T00:00:00Z"}]}"#

    @Test func aCheckedFileWaitsFifteenMinutesForItsConfirmation() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            let (body, type) = Self.multipart([("_csrf", browser.csrf), ("source", "focusquest")], file: Self.file)
            let checked = try await browser.send(.post, "/settings/import", headers: [.contentType: type, .hxRequest: "true"], body: body)
            #expect(checked.status == .ok && checked.text.contains("Checked <strong>export.json</strong>"))
            let token = try #require(checked.text.firstMatch(of: /name="token" value="([^"]+)"/)?.1)
            #expect(try await client.execute(uri: "/api/v1/tasks", method: .get, headers: [:], body: nil).status == .unauthorized)
            app.clock.advance(by: 16 * 60)
            let late = try await browser.post("/settings/import/confirm", ["token": String(token), "decision": "import"], hx: true)
            #expect(late.status == .gone && late.text.contains("expired"))

            let again = try await browser.send(.post, "/settings/import", headers: [.contentType: type, .hxRequest: "true"], body: body)
            let fresh = try #require(again.text.firstMatch(of: /name="token" value="([^"]+)"/)?.1)
            let done = try await browser.post("/settings/import/confirm", ["token": String(fresh), "decision": "import"], hx: true)
            #expect(done.status == .ok && done.text.contains("Imported export.json."))
            let replay = try await browser.post("/settings/import/confirm", ["token": String(fresh), "decision": "import"], hx: true)
            #expect(replay.status == .gone, "a confirmation is used once")

            let stranger = Browser(client)
            try await stranger.get("/login")
            let (strangerBody, strangerType) = Self.multipart([("_csrf", stranger.csrf)], file: Self.file)
            let refused = try await stranger.send(.post, "/settings/import", headers: [.contentType: strangerType], body: strangerBody)
            #expect(refused.status != .ok && !refused.text.contains("Checked"), "an upload without a session is not read")
        }
    }
}
