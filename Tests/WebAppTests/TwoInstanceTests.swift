import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

@testable import WebApp

/// Two servers on one PostgreSQL database, a client alternating between them (SPEC §14):
/// they behave as one app.
@Suite(.coversBothBackends, .enabled(if: TestPostgres.available, "needs TEST_DATABASE_URL (make test starts a server)"))
struct TwoInstanceTests {
    @Test func twoInstancesBehaveAsOneApp() async throws {
        try await TestApp.withInstances(2, { $0.authRequestsPerIP = 6 }) { apps in
            let (a, b) = (apps[0], apps[1])
            let heardByA = Mutex<[LiveChange]>([])
            a.services.database.liveChanges.listen { changes in heardByA.withLock { $0 += changes } }
            try await a.test(.router) { onA in
                try await b.test(.router) { onB in
                    let ada = try await onA.apiSignup("ada")
                    let token = try await onB.apiLogin("ada")

                    // A timer started on A pauses on B, and A sees it paused.
                    #expect(try await onA.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus"}"#, token: ada.access).status == .created)
                    a.clock.advance(by: 60)
                    b.clock.advance(by: 60)
                    #expect(try await onB.api(.post, "/api/v1/timer/pause", token: token).status == .ok)
                    #expect(try await onA.api(.get, "/api/v1/timer", token: ada.access).text.contains(#""status":"paused""#))
                    // …and A's streams hear the pause (announced within B's UPDATE statement)
                    // after A's own start.
                    for _ in 0..<100 where heardByA.withLock({ $0.filter { $0.topic == .timer }.count }) < 2 {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(heardByA.withLock { $0.filter { $0.topic == .timer }.count } == 2, "A's start, then the pause made on B")
                    #expect(try await onB.api(.post, "/api/v1/timer/start", json: #"{"kind":"focus"}"#, token: token).status == .conflict, "one live timer")

                    // A change made on B reaches A's live streams.
                    let task = try await onB.api(.post, "/api/v1/tasks", json: #"{"title":"From B"}"#, token: token)
                    let taskID = Int64(try #require(try task.json()["id"] as? Int))
                    for _ in 0..<100 where !heardByA.withLock({ $0.contains { $0.taskIDs == [taskID] } }) {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(heardByA.withLock { $0.contains { $0.topic == .tasks && $0.taskIDs == [taskID] } })

                    // A replayed session posted to both at once counts once.
                    let start = RFC3339.string(a.clock.now.addingTimeInterval(-3_600))
                    let end = RFC3339.string(a.clock.now.addingTimeInterval(-1_800))
                    let session = #"{"session_id":"phone-7","start_time":"\#(start)","end_time":"\#(end)","timezone":"UTC"}"#
                    async let first = onA.api(.post, "/api/v1/sessions", json: session, token: ada.access).status
                    async let second = onB.api(.post, "/api/v1/sessions", json: session, token: token).status
                    #expect(Set([try await first, try await second]) == [.created, .ok])
                    let stats = try await onA.api(.get, "/api/v1/stats/daily?from=2000-01-01&to=2100-01-01", token: ada.access)
                    #expect(stats.text.contains(#""minutes":30"#), "\(stats.text)")

                    // The sign-in limit counts both instances' requests: six in all (three on each,
                    // in a window of their own: the clocks moved a minute on), then 429 — counted
                    // per instance, A would have let three more through.
                    var statuses: [HTTPResponse.Status] = []
                    for index in 0..<6 {
                        let client = index % 2 == 0 ? onA : onB
                        statuses.append(try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).status)
                    }
                    #expect(statuses == Array(repeating: .ok, count: 6), "\(statuses)")
                    #expect(try await onA.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"correct horse battery"}"#).status == .tooManyRequests)
                }
            }
        }
    }
}
