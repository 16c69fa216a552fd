import Domain
import Foundation
import Testing

@testable import WebApp

/// The hand-written task JSON is byte for byte what `JSONEncoder` (sorted keys, snake
/// case, RFC 3339 dates, explicit nulls) writes for the same values.
@Suite struct JSONWriterTests {
    /// The shape the API had when `JSONEncoder` wrote it: the reference.
    struct ReferenceTask: Encodable {
        let id: Int64
        let title: String
        let description: String
        let status: String
        let estimatePomodoros: Int?
        let totalMinutes: Int
        let pomodoros: Int
        let createdAt: Date
        let updatedAt: Date
        let completedAt: Date?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(title, forKey: .title)
            try container.encode(description, forKey: .description)
            try container.encode(status, forKey: .status)
            try container.encode(estimatePomodoros, forKey: .estimatePomodoros)
            try container.encode(totalMinutes, forKey: .totalMinutes)
            try container.encode(pomodoros, forKey: .pomodoros)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encode(completedAt, forKey: .completedAt)
        }

        enum CodingKeys: CodingKey {
            case id, title, description, status, estimatePomodoros, totalMinutes, pomodoros, createdAt, updatedAt, completedAt
        }
    }

    struct ReferenceList: Encodable {
        let items: [ReferenceTask]
        let nextCursor: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
        }

        enum CodingKeys: CodingKey { case items, nextCursor }
    }

    static let alphabet: [String] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "ß", "€", "😀", "\u{2028}", "<", "&", "'"]

    static func text(_ random: inout SeededRandom, maxLength: Int) -> String {
        (0..<Int.random(in: 0...maxLength, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()  // safe: alphabet is not empty
    }

    static func task(_ random: inout SeededRandom) -> TaskRecord {
        let created = Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000, using: &random)) + 0.5)
        var task = TaskRecord(
            userId: 1, title: text(&random, maxLength: 12), description: text(&random, maxLength: 30),
            status: TaskStatus.allCases.randomElement(using: &random)!,  // safe: three cases
            estimatePomodoros: Bool.random(using: &random) ? Int.random(in: 0...50, using: &random) : nil,
            focusSeconds: Int.random(in: 0...1_000_000, using: &random), pomodoros: Int.random(in: 0...500, using: &random),
            createdAt: created, updatedAt: created.addingTimeInterval(Double(Int.random(in: 0...9_999, using: &random))),
            completedAt: Bool.random(using: &random) ? created.addingTimeInterval(60) : nil)
        task.id = Int64.random(in: 1...Int64.max, using: &random)
        return task
    }

    static func reference(_ task: TaskRecord) -> ReferenceTask {
        ReferenceTask(
            id: task.taskID, title: task.title, description: task.description, status: task.status.rawValue,
            estimatePomodoros: task.estimatePomodoros, totalMinutes: task.totalMinutes, pomodoros: task.pomodoros,
            createdAt: task.createdAt, updatedAt: task.updatedAt, completedAt: task.completedAt)
    }

    @Test func taskListsMatchJSONEncoderByteForByte() throws {
        var random = SeededRandom(seed: 0x1503)
        for round in 0..<300 {
            let tasks = (0..<Int.random(in: 0...8, using: &random)).map { _ in Self.task(&random) }
            let cursor = round % 3 == 0 ? nil : Self.text(&random, maxLength: 10)
            let ours = JSONWriter.encode(TaskAPIController.ListJSON(items: tasks.map { TaskAPIController.TaskJSON($0) }, nextCursor: cursor))
            let theirs = try APIResponse.encoder.encode(ReferenceList(items: tasks.map(Self.reference), nextCursor: cursor))
            #expect(ours == Array(theirs), "\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: theirs, as: UTF8.self))")
        }
    }

    @Test func negativeAndExtremeIntegers() {
        var writer = JSONWriter()
        writer.array([Int64.min, -1, 0, 7, Int64.max]) { json, value in json.integer(value) }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[-9223372036854775808,-1,0,7,9223372036854775807]")
    }
}
