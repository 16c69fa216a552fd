import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import WebApp

/// SPEC §4, suggest: the built-in suggester over the user's own history, and a real
/// OpenAI-compatible server (a second live Hummingbird app) asked first, with every way
/// it can fail falling back to the built-in one.
@Suite(.closingTestApps) struct SuggestAPITests {
    func suggest(_ client: any TestClientProtocol, _ token: String, _ body: String) async throws -> [String: Any] {
        let response = try await client.api(.post, "/api/v1/ai/suggest", json: body, token: token)
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }

    @Test func theBuiltInSuggesterEstimatesFromYourOwnCompletedTasks() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let fresh = try await suggest(client, ada.access, #"{"title":"Write the Q3 report"}"#)
            #expect(fresh["source"] as? String == "local" && fresh["estimate_pomodoros"] as? Int == 1, "no history: 1")
            #expect(fresh["subtasks"] as? [String] == ["Outline the main points", "Write a first draft", "Revise the draft", "Proofread and finish"])
            #expect((fresh["description"] as? String)?.contains("Write the Q3 report") == true)

            let now = app.timestamp(app.clock.now)
            let history = [
                ("Write the Q2 report", "done", 4), ("Write the Q1 report", "done", 6), ("Write Q4 report", "done", 5),
                ("Call the bank", "done", 1), ("Plan the trip", "done", 2), ("Write the Q3 report draft", "todo", 9),
                ("Review slides", "done", 0),
            ].map { title, status, pomodoros in "(\(ada.id), '\(title)', '\(status)', \(pomodoros), \(now), \(now))" }
            try await app.execute("INSERT INTO tasks (user_id, title, status, pomodoros, created_at, updated_at) VALUES \(history.joined(separator: ", "))")
            let similar = try await suggest(client, ada.access, #"{"title":"Write the Q3 report"}"#)
            #expect(similar["estimate_pomodoros"] as? Int == 5, "median of the three completed report tasks (4, 5, 6); open tasks do not count")
            let unlike = try await suggest(client, ada.access, #"{"title":"Paint the fence","description":"Two coats"}"#)
            #expect(unlike["estimate_pomodoros"] as? Int == 4, "no similar title: median of all completed with a pomodoro (1 2 4 5 6)")
            #expect(unlike["description"] as? String == "Two coats", "your own description is kept")

            let bob = try await client.apiSignup("bob")
            #expect(try await suggest(client, bob.access, #"{"title":"Write the Q3 report"}"#)["estimate_pomodoros"] as? Int == 1, "only your own history")
        }
    }

    @Test func badRequestsAreRefused() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for body in [#"{}"#, #"{"title":"   "}"#, #"{"title":"\#(String(repeating: "x", count: 201))"}"#, #"{"title":5}"#] {
                let response = try await client.api(.post, "/api/v1/ai/suggest", json: body, token: ada.access)
                #expect(response.status == .unprocessableContent, "\(body)")
            }
            #expect(try await client.api(.post, "/api/v1/ai/suggest", json: "{nope", token: ada.access).status == .badRequest)
            #expect(try await client.api(.post, "/api/v1/ai/suggest", json: #"{"title":"x"}"#).status == .unauthorized)
        }
    }

    @Test func aConfiguredRemoteIsAskedFirstAndAnyFailureFallsBack() async throws {
        let remote = FakeChatServer()
        try await remote.application.test(.live) { remoteClient in
            let port = try #require(remoteClient.port)
            let app = try await TestApp.make { config in
                config.remoteSuggester = .init(baseURL: "http://127.0.0.1:\(port)/v1/", apiKey: "sk-test", model: "tiny-model", timeout: .milliseconds(500))
                config.remoteSuggestionsPerHour = 3
            }
            try await app.test { client in
                let ada = try await client.apiSignup("ada")
                let ask = #"{"title":"Fix the login bug","description":"Only on Safari"}"#
                let good = #"{"description":"Find why Safari drops the cookie.","subtasks":["Reproduce on Safari"," ","Read the cookie flags","Fix and test","a","b","c"],"estimate_pomodoros":3}"#
                let goodAnswer = try FakeChatServer.completion(content: good)
                remote.behaviour.withLock { $0 = .answer(goodAnswer) }
                let answered = try await suggest(client, ada.access, ask)
                #expect(answered["source"] as? String == "remote")
                #expect(answered["description"] as? String == "Find why Safari drops the cookie.")
                #expect(answered["subtasks"] as? [String] == ["Reproduce on Safari", "Read the cookie flags", "Fix and test", "a", "b"], "blank ones dropped, at most five")
                #expect(answered["estimate_pomodoros"] as? Int == 3)
                let asked = try #require(remote.requests.withLock { $0.last })
                let body = try #require(try JSONSerialization.jsonObject(with: asked.body) as? [String: Any])
                #expect(asked.authorization == "Bearer sk-test" && body["model"] as? String == "tiny-model")
                let messages = try #require(body["messages"] as? [[String: Any]])
                #expect((messages.last?["content"] as? String)?.contains("Fix the login bug\nNotes: Only on Safari") == true)

                let failures: [FakeChatServer.Behaviour] = [
                    .status(.internalServerError), .status(.unauthorized), .answer("not json"),
                    .answer(try FakeChatServer.completion(content: "Sure! Here is a plan.")),
                    .answer(try FakeChatServer.completion(content: #"{"description":"x","subtasks":[],"estimate_pomodoros":2}"#)),
                    .answer(try FakeChatServer.completion(content: #"{"description":"x","subtasks":["a"],"estimate_pomodoros":0}"#)),
                    .slow,
                ]
                remote.behaviour.withLock { $0 = .answer(goodAnswer) }
                let bob = try await client.apiSignup("bob")
                #expect(try await suggest(client, bob.access, ask)["source"] as? String == "remote")
                app.clock.advance(by: 3601)
                for _ in 0..<3 { #expect(try await suggest(client, ada.access, ask)["source"] as? String == "remote") }
                #expect(try await suggest(client, ada.access, ask)["source"] as? String == "local", "past her hourly share of remote calls")
                #expect(try await suggest(client, bob.access, ask)["source"] as? String == "remote", "each user has their own share")
                for failure in failures {
                    app.clock.advance(by: 3601)  // a fresh hour: the remote is asked each time
                    let asks = remote.requests.withLock { $0.count }
                    remote.behaviour.withLock { $0 = failure }
                    let started = ContinuousClock.now
                    let fallback = try await suggest(client, ada.access, ask)
                    #expect(fallback["source"] as? String == "local", "\(failure)")
                    #expect(fallback["subtasks"] as? [String] == ["Reproduce the problem", "Find the cause", "Make the fix", "Test the fix", "Note what changed and why"])
                    #expect(ContinuousClock.now - started < .seconds(2), "the timeout is short: \(failure)")
                    #expect(remote.requests.withLock { $0.count } == asks + 1, "the remote was asked: \(failure)")
                }
            }
        }
    }
}

/// An OpenAI-compatible chat completions server for tests: what it answers, and what it
/// was asked (the Authorization header and the JSON body).
final class FakeChatServer: Sendable {
    enum Behaviour: Sendable { case answer(String), status(HTTPResponse.Status), slow }
    let behaviour = Mutex<Behaviour>(.status(.internalServerError))
    let requests = Mutex<[(authorization: String?, body: Data)]>([])

    /// A chat completion whose message content is `content`.
    static func completion(content: String) throws -> String {
        let object: [String: Any] = ["id": "x", "object": "chat.completion", "choices": [["index": 0, "message": ["role": "assistant", "content": content]]]]
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    var application: some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let authorization = request.headers[.authorization]
            self.requests.withLock { $0.append((authorization, Data(buffer: body))) }
            switch self.behaviour.withLock({ $0 }) {
            case .answer(let text):
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            case .status(let status):
                return Response(status: status)
            case .slow:
                try await Task.sleep(for: .seconds(3))
                return Response(status: .ok)
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
