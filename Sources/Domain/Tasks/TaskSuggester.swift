/// What the suggester proposes for a task.
public struct TaskSuggestion: Sendable, Equatable {
    public let description: String
    public let subtasks: [String]
    public let estimatePomodoros: Int

    public init(description: String, subtasks: [String], estimatePomodoros: Int) {
        self.description = description
        self.subtasks = subtasks
        self.estimatePomodoros = estimatePomodoros
    }
}

/// The built-in suggester (SPEC §4): deterministic, no network.
///
/// - **Estimate**: the median pomodoros of the user's completed tasks with a similar
///   title, else of all their completed tasks, else 1; kept within 1…50 (a task's
///   estimate range). Only completed tasks that had at least one pomodoro count: one
///   finished without a timer says nothing about its length. A median of an even count
///   is the mean of the middle two, rounded up.
/// - **Similar titles** share at least half of their significant words (lowercased
///   letters and digits, common short words and bare numbers like `#12` left out):
///   |A ∩ B| / |A ∪ B| ≥ ½.
/// - **Subtasks**: up to five steps chosen by the title's first significant word (its
///   verb: write, fix, review, plan, read, email, test, design, refactor…), else general
///   steps.
/// - **Description**: the user's own when they gave one, else a sentence naming the
///   first and last step and the estimate.
public enum TaskSuggester {
    public struct CompletedTask: Sendable, Equatable {
        public let title: String
        public let pomodoros: Int

        public init(title: String, pomodoros: Int) {
            self.title = title
            self.pomodoros = pomodoros
        }
    }

    public static let maxSubtasks = 5
    public static let estimateRange = 1...50

    public static func suggest(title: String, description: String?, completed: [CompletedTask]) -> TaskSuggestion {
        let estimate = estimate(title: title, completed: completed)
        let steps = steps(for: title)
        let given = description?.trimmingWhitespace ?? ""
        let text =
            given.isEmpty
            ? "Work on “\(title.trimmingWhitespace)” in about \(estimate) focus session\(estimate == 1 ? "" : "s"): "
                + "\(steps[0].lowercasedFirst), and finally \(steps[steps.count - 1].lowercasedFirst)."
            : given
        return TaskSuggestion(description: text, subtasks: steps, estimatePomodoros: estimate)
    }

    public static func estimate(title: String, completed: [CompletedTask]) -> Int {
        let counted = completed.filter { $0.pomodoros > 0 }
        let words = significantWords(title)
        let similar = counted.filter { isSimilar(words, significantWords($0.title)) }
        let median = median(similar.map(\.pomodoros)) ?? median(counted.map(\.pomodoros)) ?? 1
        return min(max(median, estimateRange.lowerBound), estimateRange.upperBound)
    }

    /// The middle value; for an even count, the mean of the middle two rounded up.
    public static func median(_ values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let upper = sorted[sorted.count / 2]
        guard sorted.count.isMultiple(of: 2) else { return upper }
        let lower = sorted[sorted.count / 2 - 1]
        return (lower + upper + 1) / 2
    }

    public static func isSimilar(_ a: Set<String>, _ b: Set<String>) -> Bool {
        guard !a.isEmpty, !b.isEmpty else { return false }
        return 2 * a.intersection(b).count >= a.union(b).count
    }

    /// Lowercased runs of letters and digits, without stop words and bare numbers.
    public static func significantWords(_ title: String) -> Set<String> {
        Set(words(title).filter(isSignificant))
    }

    static func steps(for title: String) -> [String] {
        let verb = words(title).first(where: isSignificant) ?? ""
        let steps = plans.first { $0.verbs.contains(verb) }?.steps ?? generalSteps
        return Array(steps.prefix(maxSubtasks))
    }

    private static func isSignificant(_ word: String) -> Bool {
        !stopWords.contains(word) && !word.allSatisfy(\.isNumber)
    }

    private static func words(_ title: String) -> [String] {
        title.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    private static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "to", "for", "in", "on", "at", "by", "with", "my", "our", "your", "it", "is", "be",
    ]

    private static let generalSteps = ["Define what done looks like", "Break it into steps", "Do the first step", "Review the result and finish"]

    private static let plans: [(verbs: Set<String>, steps: [String])] = [
        (["write", "draft", "compose"], ["Outline the main points", "Write a first draft", "Revise the draft", "Proofread and finish"]),
        (["fix", "debug", "repair", "solve"], ["Reproduce the problem", "Find the cause", "Make the fix", "Test the fix", "Note what changed and why"]),
        (["review", "check", "audit"], ["Read it through once", "Note issues and questions", "Write up the feedback", "Share the review"]),
        (["plan", "organize", "organise", "prepare"], ["Define the goal", "List the steps", "Estimate and order them", "Write the plan down"]),
        (["read", "study", "learn", "research"], ["Skim it for structure", "Read closely and take notes", "Summarize the key points", "Write down open questions"]),
        (["email", "call", "contact", "reply", "message"], ["Collect what needs saying", "Prepare the message", "Send it or make the call", "Note the follow-ups"]),
        (["test", "verify"], ["List what to test", "Prepare the test setup", "Run the tests", "Record the results"]),
        (["design", "sketch"], ["Gather the requirements", "Sketch a few options", "Choose one and detail it", "Ask for feedback"]),
        (["refactor", "clean", "tidy"], ["Make sure tests cover it", "Change one small thing at a time", "Run the tests after each change", "Tidy up and commit"]),
    ]
}

extension String {
    fileprivate var lowercasedFirst: String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}
