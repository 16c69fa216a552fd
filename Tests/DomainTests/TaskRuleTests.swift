import Domain
import Testing

@Suite struct TaskRuleTests {
    @Test func titlesAreTrimmedAndBounded() throws {
        #expect(try TaskContent(title: "  Write report  ", description: "", estimatePomodoros: nil).title == "Write report")
        #expect(try TaskContent(title: String(repeating: "é", count: 200), description: "", estimatePomodoros: nil).title.count == 200)
        #expect(throws: FieldErrors(["title": "must not be empty"])) { try TaskContent(title: "   ", description: "", estimatePomodoros: nil) }
        #expect(throws: FieldErrors(["title": "must be at most 200 characters"])) {
            try TaskContent(title: String(repeating: "x", count: 201), description: "", estimatePomodoros: nil)
        }
    }

    @Test func descriptionAndEstimateAreBounded() throws {
        _ = try TaskContent(title: "t", description: String(repeating: "d", count: 5000), estimatePomodoros: 50)
        _ = try TaskContent(title: "t", description: "", estimatePomodoros: 0)
        #expect(throws: FieldErrors(["description": "must be at most 5000 characters", "estimate_pomodoros": "must be 0 to 50"])) {
            try TaskContent(title: "t", description: String(repeating: "d", count: 5001), estimatePomodoros: 51)
        }
        #expect(throws: FieldErrors.self) { try TaskContent(title: "t", description: "", estimatePomodoros: -1) }
    }

    @Test func statuses() throws {
        #expect(try TaskStatus.parse("in_progress") == .inProgress)
        #expect(throws: FieldErrors(["status": "must be one of todo, in_progress, done"])) { try TaskStatus.parse("doing") }
    }
}
