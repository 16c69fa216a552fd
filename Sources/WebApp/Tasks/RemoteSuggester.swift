import AsyncHTTPClient
import Domain
import Foundation
import NIOCore

/// Asks an OpenAI-compatible chat completions endpoint (`POST {AI_BASE_URL}/chat/completions`)
/// for a suggestion, as JSON. Anything but a timely 200 whose message is a JSON object
/// with a non-empty description, at least one non-empty subtask (the first five are kept)
/// and an estimate of 1–50 is a failure; the caller then answers with the built-in
/// suggester.
struct RemoteSuggester: Sendable {
    struct Endpoint: Sendable, Equatable {
        let baseURL: String
        let apiKey: String?
        let model: String
        let timeout: TimeAmount
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let endpoint: Endpoint
    let client: HTTPClient

    func suggest(title: String, description: String?) async throws -> TaskSuggestion {
        var request = HTTPClientRequest(url: endpoint.baseURL.trimmingSuffix("/") + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = endpoint.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(data: try Self.requestBody(model: endpoint.model, title: title, description: description)))
        let response = try await client.execute(request, timeout: endpoint.timeout)
        guard response.status == .ok else { throw Failure(description: "status \(response.status.code)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        return try Self.suggestion(from: Data(buffer: body))
    }

    static func requestBody(model: String, title: String, description: String?) throws -> Data {
        let task = description.map { "Task: \(title)\nNotes: \($0)" } ?? "Task: \(title)"
        let body: [String: Any] = [
            "model": model,
            "temperature": 0,
            "response_format": ["type": "json_object"],
            "messages": [
                [
                    "role": "system",
                    "content": "You help people plan focused work. Answer with one JSON object: "
                        + "{\"description\": string, \"subtasks\": [up to 5 short strings], \"estimate_pomodoros\": integer 1-50 (25-minute sessions)}.",
                ],
                ["role": "user", "content": task],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// The suggestion in a chat completion response, checked.
    static func suggestion(from data: Data) throws -> TaskSuggestion {
        guard let completion = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = ((completion["choices"] as? [[String: Any]])?.first?["message"]) as? [String: Any],
            let content = message["content"] as? String,
            let answer = try? JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any]
        else { throw Failure(description: "not a chat completion with a JSON message") }
        let description = (answer["description"] as? String)?.trimmingWhitespace ?? ""
        let subtasks = ((answer["subtasks"] as? [Any]) ?? []).compactMap { ($0 as? String)?.trimmingWhitespace }.filter { !$0.isEmpty }
            .prefix(TaskSuggester.maxSubtasks)
        guard !description.isEmpty, !subtasks.isEmpty,
            let estimate = answer["estimate_pomodoros"] as? Int, TaskSuggester.estimateRange.contains(estimate)
        else { throw Failure(description: "the answer is missing a description, subtasks or a valid estimate") }
        return TaskSuggestion(description: description, subtasks: Array(subtasks), estimatePomodoros: estimate)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
