import Foundation
import Testing

@testable import WebApp

@Suite(.closingTestApps) struct TimerAPITests {
    @Test func startPauseResumeComplete() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let idle = try await client.api(.get, "/api/v1/timer", token: ada.access).json()
            #expect(idle["timer"] is NSNull)
            #expect(idle["next"] as? NSDictionary == ["kind": "focus", "minutes": 25])
            let task = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t"}"#, token: ada.access).json()["id"] as? Int)
            let started = try await client.api(.post, "/api/v1/timer/start", json: #"{"task_id":\#(task)}"#, token: ada.access)
            #expect(started.status == .created)
            let timer = try started.json()
            #expect(timer["kind"] as? String == "focus" && timer["status"] as? String == "running" && timer["planned_minutes"] as? Int == 25)
            #expect(timer["ends_at"] as? String == RFC3339.string(app.clock.now.addingTimeInterval(1500)))
            app.clock.advance(by: 600)
            #expect(try await client.api(.post, "/api/v1/timer/pause", token: ada.access).json()["focused_seconds"] as? Int == 600)
            app.clock.advance(by: 300)
            let resumed = try await client.api(.post, "/api/v1/timer/resume", token: ada.access).json()
            #expect(resumed["ends_at"] as? String == RFC3339.string(app.clock.now.addingTimeInterval(900)))
            app.clock.advance(by: 120)
            let completed = try await client.api(.post, "/api/v1/timer/complete", token: ada.access).json()
            #expect(completed["status"] as? String == "completed" && completed["focused_seconds"] as? Int == 720)
            let stored = try await client.api(.get, "/api/v1/tasks/\(task)", token: ada.access).json()
            #expect(stored["total_minutes"] as? Int == 12 && stored["pomodoros"] as? Int == 0, "an early finish is not a pomodoro")
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 12)
            #expect(try await client.api(.get, "/api/v1/timer", token: ada.access).json()["next"] as? NSDictionary == ["kind": "short_break", "minutes": 5])
        }
    }

    @Test func aClosedTabsTimerCompletesAtItsPlannedEnd() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let task = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t"}"#, token: ada.access).json()["id"] as? Int)
            _ = try await client.api(.post, "/api/v1/timer/start", json: #"{"task_id":\#(task),"minutes":25}"#, token: ada.access)
            app.clock.advance(by: 3 * 3600)
            let state = try await client.api(.get, "/api/v1/timer", token: ada.access).json()
            #expect(state["timer"] is NSNull)
            let stored = try await client.api(.get, "/api/v1/tasks/\(task)", token: ada.access).json()
            #expect(stored["total_minutes"] as? Int == 25 && stored["pomodoros"] as? Int == 1)
            #expect(try await client.api(.get, "/api/v1/me", token: ada.access).json()["xp"] as? Int == 25 + 25)
            let sessions = try await app.services.database.sessions(userID: Int64(ada.id), from: .init(app.clock.now, in: .gmt).adding(days: -1), to: .init(app.clock.now, in: .gmt))
            #expect(sessions.count == 1)
            #expect(sessions.first?.endTime == app.clock.now.addingTimeInterval(-3 * 3600 + 1500))
        }
    }

    @Test func illegalTransitionsAndMissingTimersAre409() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for action in ["pause", "resume", "complete", "cancel"] {
                let none = try await client.api(.post, "/api/v1/timer/\(action)", token: ada.access)
                #expect(none.status == .conflict && none.errorCode == "no_active_timer")
            }
            _ = try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"short_break"}"#, token: ada.access)
            let resumeRunning = try await client.api(.post, "/api/v1/timer/resume", token: ada.access)
            #expect(resumeRunning.status == .conflict && resumeRunning.errorCode == "invalid_transition")
            let second = try await client.api(.post, "/api/v1/timer/start", token: ada.access)
            #expect(second.status == .conflict && second.errorCode == "timer_already_running")
            _ = try await client.api(.post, "/api/v1/timer/pause", token: ada.access)
            let pausePaused = try await client.api(.post, "/api/v1/timer/pause", token: ada.access)
            #expect(pausePaused.status == .conflict && pausePaused.errorCode == "invalid_transition")
            #expect(try await client.api(.post, "/api/v1/timer/cancel", token: ada.access).json()["status"] as? String == "cancelled")
            #expect(try await client.api(.post, "/api/v1/timer/complete", token: ada.access).errorCode == "no_active_timer")
            app.clock.advance(by: 10)
            #expect(try await client.api(.post, "/api/v1/timer/start", token: ada.access).status == .created, "after a cancel a new timer may start")
            let expiredPause = try await client.api(.post, "/api/v1/timer/start", token: ada.access)
            #expect(expiredPause.errorCode == "timer_already_running")
            app.clock.advance(by: 25 * 60)
            #expect(try await client.api(.post, "/api/v1/timer/pause", token: ada.access).errorCode == "no_active_timer", "it completed at its end")
        }
    }

    @Test func startValidation() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let done = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"t","status":"done"}"#, token: ada.access).json()["id"] as? Int)
            let bobs = try #require(try await client.api(.post, "/api/v1/tasks", json: #"{"title":"b"}"#, token: bob.access).json()["id"] as? Int)
            #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"minutes":0}"#, token: ada.access).errorFields?["minutes"] != nil)
            #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"minutes":181}"#, token: ada.access).errorFields?["minutes"] != nil)
            #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"nap"}"#, token: ada.access).errorFields?["kind"] != nil)
            let doneTask = try await client.api(.post, "/api/v1/timer/start", json: #"{"task_id":\#(done)}"#, token: ada.access)
            let foreign = try await client.api(.post, "/api/v1/timer/start", json: #"{"task_id":\#(bobs)}"#, token: ada.access)
            #expect(doneTask.status == .unprocessableContent && doneTask.errorFields == foreign.errorFields)
            #expect(try await client.api(.get, "/api/v1/timer", token: ada.access).json()["timer"] is NSNull, "nothing started")
            let custom = try await client.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus","minutes":1}"#, token: ada.access).json()
            #expect(custom["planned_minutes"] as? Int == 1)
        }
    }

    @Test func longBreakAfterEveryNFocusPomodoros() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            _ = try await client.api(.patch, "/api/v1/me", json: #"{"settings":{"long_break_every":2}}"#, token: ada.access)
            var kinds: [String] = []
            for _ in 0..<6 {
                let started = try await client.api(.post, "/api/v1/timer/start", json: #"{"minutes":1}"#, token: ada.access).json()
                kinds.append(try #require(started["kind"] as? String))
                app.clock.advance(by: 61)
            }
            #expect(kinds == ["focus", "short_break", "focus", "long_break", "focus", "short_break"])
        }
    }
}
