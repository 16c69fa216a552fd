import Domain
import Testing

/// SPEC §4, the built-in suggester, against slow models: the median by peeling off the
/// smallest and largest values, the estimate by comparing every word set by hand.
@Suite struct TaskSuggesterTests {
    /// Removes the smallest and the largest value until one or two are left.
    static func peeledMedian(_ values: [Int]) -> Int? {
        var rest = values
        guard !rest.isEmpty else { return nil }
        while rest.count > 2 {
            rest.remove(at: rest.firstIndex(of: rest.min()!)!)
            rest.remove(at: rest.firstIndex(of: rest.max()!)!)
        }
        return rest.count == 1 ? rest[0] : Int((Double(rest[0] + rest[1]) / 2).rounded(.up))
    }

    @Test(arguments: 1...4)
    func theMedianMatchesPeeling(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<500 {
            let values = (0..<Int.random(in: 0...12, using: &random)).map { _ in Int.random(in: 0...20, using: &random) }
            #expect(TaskSuggester.median(values) == Self.peeledMedian(values), "\(values)")
        }
    }

    static let verbs = ["Write", "Fix", "Review", "Plan", "Read", "Email", "Test", "Design", "Refactor", "Paint"]
    static let objects = ["the report", "login page", "tax forms", "API docs", "slides", "grant proposal", "chapter 4"]

    /// The estimate against a model that compares word sets written out longhand.
    @Test(arguments: 1...4)
    func theEstimateFollowsSimilarThenAllThenOne(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<300 {
            let history = (0..<Int.random(in: 0...10, using: &random)).map { index in
                TaskSuggester.CompletedTask(
                    title: "\(Self.verbs.randomElement(using: &random)!) \(Self.objects.randomElement(using: &random)!) #\(index)",
                    pomodoros: Int.random(in: 0...8, using: &random))
            }
            let title = "\(Self.verbs.randomElement(using: &random)!) \(Self.objects.randomElement(using: &random)!)"
            let counted = history.filter { $0.pomodoros > 0 }
            // Significant words: not "the", not a bare number ("4", "#3").
            func words(_ text: String) -> Set<String> {
                Set(text.lowercased().split(separator: " ").map { $0.hasPrefix("#") ? String($0.dropFirst()) : String($0) }.filter { $0 != "the" && Int($0) == nil })
            }
            let mine = words(title)
            let similar = counted.filter { task in
                let theirs = words(task.title)
                let shared = mine.filter(theirs.contains).count
                return shared * 2 >= mine.union(theirs).count
            }
            let expected = Self.peeledMedian(similar.map(\.pomodoros)) ?? Self.peeledMedian(counted.map(\.pomodoros)) ?? 1
            #expect(TaskSuggester.estimate(title: title, completed: history) == max(1, expected), "\(title) \(history)")
            let suggestion = TaskSuggester.suggest(title: title, description: nil, completed: history)
            #expect((1...5).contains(suggestion.subtasks.count))
            #expect(suggestion == TaskSuggester.suggest(title: title, description: nil, completed: history), "deterministic")
        }
    }

    @Test func stepsFollowTheVerbAndADescriptionIsKept() {
        let fix = TaskSuggester.suggest(title: "Fix the login bug", description: nil, completed: [])
        #expect(fix.subtasks.first == "Reproduce the problem" && fix.subtasks.count == 5)
        #expect(fix.estimatePomodoros == 1, "no history: 1")
        #expect(fix.description == "Work on “Fix the login bug” in about 1 focus session: reproduce the problem, and finally note what changed and why.")
        let other = TaskSuggester.suggest(title: "Paint the fence", description: "  Two coats.  ", completed: [])
        #expect(other.subtasks == ["Define what done looks like", "Break it into steps", "Do the first step", "Review the result and finish"])
        #expect(other.description == "Two coats.", "the user's own description")
        let many = (0..<9).map { TaskSuggester.CompletedTask(title: "Write chapter \($0)", pomodoros: 80) }
        #expect(TaskSuggester.estimate(title: "Write chapter", completed: many) == 50, "at most 50, a task's estimate range")
    }
}
