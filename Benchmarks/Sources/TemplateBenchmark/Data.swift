/// The dashboard-like page every engine renders: a layout, 50 task rows of 6 fields with
/// escaping-heavy text, a nested loop (tags) and conditionals.
struct BenchTask {
    let id: Int
    let title: String
    let description: String
    let status: String
    let estimate: Int
    let minutes: Int
    let done: Bool
    let tags: [String]
}

struct BenchPage {
    let title: String
    let userName: String
    let heading: String
    let tasks: [BenchTask]

    static func make() -> BenchPage {
        let titles = [
            "Fix <script>alert('x')</script> in O'Brien's report",
            "Review \"Q3 & Q4\" numbers <draft>",
            "Write tests for a < b && c > d",
            "Call Zoë about the café's menu",
            "Plain title without specials",
        ]
        let descriptions = [
            "Steps: 1) open <settings> 2) click \"save\" 3) check 'status' & report back.",
            "A longer note with nothing to escape at all, just words and more words.",
            "<b>Bold</b> & <i>italic</i> text that must not become markup: \"quoted\" 'single'.",
        ]
        let statuses = ["todo", "in_progress", "done"]
        let tags = [["work", "q&a"], ["home"], ["<urgent>", "\"deep\"", "it's"], []]
        let tasks = (0..<50).map { i in
            BenchTask(
                id: 1000 + i, title: titles[i % titles.count], description: descriptions[i % descriptions.count],
                status: statuses[i % statuses.count], estimate: i % 7, minutes: i * 25,
                done: i % 3 == 2, tags: tags[i % tags.count])
        }
        return BenchPage(title: "Dashboard — <FocusQuest>", userName: "ada & \"lovelace\"", heading: "Today's tasks", tasks: tasks)
    }
}
