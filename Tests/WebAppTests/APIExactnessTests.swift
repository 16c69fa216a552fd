import Domain
import Foundation
import HTTPTypes
import Testing

@testable import WebApp

/// The API answers exactly (SPEC §3 Details): wrong types and nulls name their field,
/// every problem of a body is named at once, methods a route lacks get 405, HEAD works.
@Suite(.closingTestApps) struct APIExactnessTests {
    @Test func aWrongJSONTypeNamesItsFieldWithoutCallingTheJSONInvalid() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let cases: [(String, String, String, String)] = [
                ("/api/v1/timer/start", #"{"minutes": 1.5}"#, "minutes", "must be an integer"),
                ("/api/v1/tasks", #"{"title": "t", "estimate_pomodoros": "three"}"#, "estimate_pomodoros", "must be an integer"),
                ("/api/v1/tasks", #"{"title": "t", "estimate_pomodoros": 1e30}"#, "estimate_pomodoros", "is out of range"),
                ("/api/v1/tasks", #"{"title": 7}"#, "title", "must be a string"),
                ("/api/v1/timer/start", #"{"task_id": true}"#, "task_id", "must be an integer"),
                ("/api/v1/sessions", #"{"session_id": "s", "start_time": 5, "end_time": "2026-01-01T00:00:00Z"}"#, "start_time", "must be an RFC 3339 timestamp"),
            ]
            for (path, body, field, problem) in cases {
                let response = try await client.api(.post, path, json: body, token: ada.access)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.errorFields?[field] == problem, "\(body): \(response.text)")
                #expect(!response.text.contains("not valid JSON"), "\(body)")
            }
            for body in ["[1, 2]", "\"text\"", "42", "null"] {
                let response = try await client.api(.post, "/api/v1/tasks", json: body, token: ada.access)
                #expect(response.status == .unprocessableContent && response.errorFields == ["body": "must be a JSON object"], "\(body)")
            }
            #expect(try await client.api(.post, "/api/v1/tasks", json: "{", token: ada.access).errorCode == "malformed_json")
        }
    }

    @Test func aBodyWithSeveralProblemsNamesEveryOne() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let empty = try await client.api(.post, "/api/v1/auth/signup", json: "{}")
            #expect(empty.errorFields == ["username": "is required", "password": "is required"])
            let bad = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username": "a", "password": "short"}"#)
            #expect(Set(bad.errorFields?.keys.map { $0 } ?? []) == ["username", "password"])
            let login = try await client.api(.post, "/api/v1/auth/login", json: #"{"username": 1}"#)
            #expect(login.errorFields == ["username": "must be a string", "password": "is required"])
            let ada = try await client.apiSignup("ada")
            let session = try await client.api(.post, "/api/v1/sessions", json: #"{"timezone": 3}"#, token: ada.access)
            #expect(session.errorFields == [
                "session_id": "is required", "start_time": "is required", "end_time": "is required", "timezone": "must be a string",
            ])
            let settings = try await client.api(
                .patch, "/api/v1/me", json: #"{"timezone": "Mars/Base", "settings": {"focus_minutes": 0, "long_break_every": 99}}"#, token: ada.access)
            #expect(Set(settings.errorFields?.keys.map { $0 } ?? []) == ["timezone", "focus_minutes", "long_break_every"])
            let password = try await client.api(.post, "/api/v1/me/password", json: "{}", token: ada.access)
            #expect(password.errorFields == ["current_password": "is required", "new_password": "is required"])
        }
    }

    @Test func nullIsRefusedWhereItMeansNothingAndKeptWhereItDoes() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let root = try await client.apiLogin("root")
            let refused: [(HTTPRequest.Method, String, String, String, String)] = [
                (.post, "/api/v1/tasks", #"{"title": null}"#, "title", ada.access),
                (.post, "/api/v1/tasks", #"{"title": "t", "description": null}"#, "description", ada.access),
                (.post, "/api/v1/timer/start", #"{"minutes": null}"#, "minutes", ada.access),
                (.patch, "/api/v1/me", #"{"settings": null}"#, "settings", ada.access),
                (.patch, "/api/v1/me", #"{"settings": {"focus_minutes": null}}"#, "focus_minutes", ada.access),
                (.patch, "/api/v1/admin/users/\(ada.id)", #"{"disabled": null}"#, "disabled", root),
                (.post, "/api/v1/auth/logout", #"{"everywhere": null}"#, "everywhere", ada.access),
            ]
            for (method, path, body, field, token) in refused {
                let response = try await client.api(method, path, json: body, token: token)
                #expect(response.status == .unprocessableContent && response.errorFields?[field] == "must not be null", "\(path) \(body): \(response.text)")
            }
            let created = try await client.api(.post, "/api/v1/tasks", json: #"{"title": "t", "estimate_pomodoros": 3}"#, token: ada.access)
            let id = try #require(try created.json()["id"] as? Int)
            let cleared = try await client.api(.patch, "/api/v1/tasks/\(id)", json: #"{"estimate_pomodoros": null}"#, token: ada.access)
            let estimate = try cleared.json()["estimate_pomodoros"]
            #expect(cleared.status == .ok && estimate is NSNull, "null clears the estimate")
            let started = try await client.api(.post, "/api/v1/timer/start", json: #"{"task_id": null}"#, token: ada.access)
            let taskID = try started.json()["task_id"]
            #expect(started.status == .created && taskID is NSNull, "null names no task")
        }
    }

    @Test func anEmptyFilterValueMeansAbsent() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            #expect(try await client.api(.get, "/api/v1/tasks?status=&q=&limit=&cursor=", token: ada.access).status == .ok)
            let root = try await client.apiLogin("root")
            #expect(try await client.api(.get, "/api/v1/admin/users?sort=&q=&page=", token: root).status == .ok)
            #expect(try await client.api(.get, "/api/v1/tasks?status=bogus", token: ada.access).errorFields?["status"] != nil)
        }
    }

    @Test func aMethodTheRouteLacksIs405WithAllow() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let put = try await client.api(.put, "/api/v1/me", json: "{}", token: ada.access)
            #expect(put.status == .methodNotAllowed && put.errorCode == "method_not_allowed")
            #expect(put.headers[.allow] == "GET, HEAD, PATCH")
            let trace = try await client.execute(uri: "/api/v1/tasks/12", method: .trace)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "DELETE, GET, HEAD, PATCH")
            let page = try await client.execute(uri: "/dashboard", method: .delete)
            #expect(page.status == .methodNotAllowed && page.headers[.allow] == "GET, HEAD")
            #expect(try await client.execute(uri: "/api/v1/nothing-here", method: .put).status == .notFound)
            let literal = try await client.api(.delete, "/api/v1/friends/requests", token: ada.access)
            #expect(literal.headers[.allow] == "POST", "a literal component wins over a capture, as in the router")
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let health = try await client.execute(uri: "/health", method: .head)
            #expect(health.status == .ok && health.body.readableBytes == 0)
            let me = try await client.api(.head, "/api/v1/me", token: ada.access)
            #expect(me.status == .ok && me.body.readableBytes == 0 && me.headers[.contentType] == "application/json")
            #expect(try await client.execute(uri: "/login", method: .head).status == .ok)
        }
    }

    @Test func offsetsUpTo23_59AreValidTimestamps() async throws {
        #expect(RFC3339.date("2026-06-01T18:30:00+18:30") == RFC3339.date("2026-06-01T00:00:00Z"))
        #expect(RFC3339.date("2026-06-01T00:00:00-23:59") == RFC3339.date("2026-06-01T23:59:00Z"))
        #expect(RFC3339.date("2026-06-01t10:00:00.250z")?.timeIntervalSince1970 == RFC3339.date("2026-06-01T10:00:00Z")!.timeIntervalSince1970 + 0.25)
        for bad in ["2026-06-01T00:00:00+24:00", "2026-02-30T00:00:00Z", "2026-06-01 00:00:00Z", "2026-06-01T00:00:00", "2026-06-01T24:00:00Z", "2026-06-01T00:00:00.Z"] {
            #expect(RFC3339.date(bad) == nil, "\(bad)")
        }
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let now = app.clock.now
            let body = #"{"session_id": "far-east", "start_time": "\#(Self.stamp(now.addingTimeInterval(-3600), offset: "+18:30"))", "end_time": "\#(Self.stamp(now, offset: "+18:30"))"}"#
            let response = try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access)
            #expect(response.status == .created, "\(response.text)")
        }
    }

    @Test func sessionsBeforeTheUnixEpochAreRefused() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for start in ["1000-06-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:00:00Z"] {
                let end = start.replacingOccurrences(of: "T00:00:00Z", with: "T01:00:00Z").replacingOccurrences(of: "T23:00:00Z", with: "T23:30:00Z")
                let response = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id": "\#(start)", "start_time": "\#(start)", "end_time": "\#(end)"}"#, token: ada.access)
                #expect(response.status == .unprocessableContent && response.errorFields?["start_time"] != nil, "\(start): \(response.text)")
            }
            let epoch = try await client.api(.post, "/api/v1/sessions", json: #"{"session_id": "epoch", "start_time": "1970-01-01T00:00:00Z", "end_time": "1970-01-01T01:00:00Z"}"#, token: ada.access)
            #expect(epoch.status == .created)
            let epochDay = LocalDate(year: 1970, month: 1, day: 1)
            let days = try await app.services.database.dailyTotals(userID: Int64(ada.id), from: epochDay, to: epochDay)
            #expect(days[epochDay] == 3600, "counted on the day it happened")
        }
    }

    /// `2026-06-01T18:30:00+18:30`-style text for an instant.
    static func stamp(_ instant: Date, offset: String) -> String {
        let sign: Double = offset.hasPrefix("-") ? -1 : 1
        let parts = offset.dropFirst().split(separator: ":").compactMap { Double($0) }
        let shifted = RFC3339.string(instant.addingTimeInterval(sign * (parts[0] * 3600 + parts[1] * 60)))
        return String(shifted.dropLast()) + offset
    }
}
