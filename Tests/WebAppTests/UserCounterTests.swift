import Domain
import Foundation
import GRDB
import Testing

@testable import WebApp

/// The per-user counters (tasks by status, all-time focus, focus since the 7-day window's
/// start) and the user count the admin overview reads.
extension TestApp {
    /// How many users' counters (and the user count) differ from a recount.
    func counterDrift() async throws -> Int {
        try await integer("SELECT COUNT(*) FROM (\(UserCounters.driftSQL)) drifted")
    }
}

@Suite(.closingTestApps) struct UserCounterTests {
    /// Random creates, status changes, edits, deletions and focus sessions through the
    /// app's own use cases: the counters always equal a recount.
    @Test(arguments: [UInt64(1), 2, 3])
    func countersFollowEveryWritePath(seed: UInt64) async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            var random = SeededRandom(seed: seed)
            var ids: [Int64: [Int64]] = [:]  // each owner's tasks: every change below must succeed
            for step in 0..<120 {
                let owner = Bool.random(using: &random) ? ada : bob
                let userID = Int64(owner.id)
                let choice = Int.random(in: 0..<10, using: &random)
                let own = ids[userID, default: []]
                switch own.isEmpty ? 0 : choice {
                case 0..<3:
                    let status = TaskStatus.allCases.randomElement(using: &random)!  // safe: three cases
                    let task = try await app.services.tasks.create(userID: userID, title: "t\(step)", description: nil, status: status.rawValue, estimate: nil)
                    ids[userID, default: []].append(task.taskID)
                case 3..<6:
                    let id = own.randomElement(using: &random)!  // safe: not empty here
                    let status = TaskStatus.allCases.randomElement(using: &random)!  // safe: three cases
                    _ = try await app.services.tasks.update(id, userID: userID, title: nil, description: nil, status: status.rawValue, estimate: nil)
                case 6:
                    let id = own.randomElement(using: &random)!  // safe: not empty here
                    _ = try await app.services.tasks.update(id, userID: userID, title: "renamed \(step)", description: nil, status: nil, estimate: nil)
                case 7:
                    let id = ids[userID, default: []].remove(at: Int.random(in: 0..<own.count, using: &random))
                    try await app.services.tasks.delete(id, userID: userID)
                default:
                    let end = app.clock.now.addingTimeInterval(-Double(Int.random(in: 0...400_000, using: &random)))
                    let start = end.addingTimeInterval(-Double(Int.random(in: 60...7_200, using: &random)))
                    let body = #"{"session_id":"s\#(step)","start_time":"\#(RFC3339.string(start))","end_time":"\#(RFC3339.string(end))","timezone":"Asia/Kolkata"}"#
                    #expect(try await client.api(.post, "/api/v1/sessions", json: body, token: owner.access).status == .created)
                }
                if step % 20 == 19 { #expect(try await app.counterDrift() == 0, "after step \(step)") }
            }
            #expect(try await app.counterDrift() == 0)
        }
    }
}
