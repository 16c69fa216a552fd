/// The friends leaderboard (SPEC §4): you and your friends ranked by focus minutes in the
/// last 7 days.
///
/// "The last 7 days" are each person's own: today in their current time zone and the
/// six local days before it, so a friend abroad is not judged by your calendar. Equal
/// minutes share a rank (1, 2, 2, 4); within a tie the longer current streak, then the
/// username, comes first.
public enum Leaderboard {
    public static let windowDays = 7

    public struct Entry: Equatable, Sendable {
        public let userID: Int64
        public let username: String
        public let minutes7d: Int
        public let currentStreak: Int
        public let level: Int

        public init(userID: Int64, username: String, minutes7d: Int, currentStreak: Int, level: Int) {
            self.userID = userID
            self.username = username
            self.minutes7d = minutes7d
            self.currentStreak = currentStreak
            self.level = level
        }
    }

    public struct Ranked: Equatable, Sendable {
        public let rank: Int
        public let entry: Entry
    }

    /// The first day of the window that ends `today`.
    public static func windowStart(today: LocalDate) -> LocalDate {
        today.adding(days: -(windowDays - 1))
    }

    /// Whole minutes (rounded down) of the seconds on days from `windowStart(today)` to `today`.
    public static func minutes(_ secondsByDay: [LocalDate: Double], today: LocalDate) -> Int {
        let start = windowStart(today: today)
        let seconds = secondsByDay.reduce(0.0) { sum, day in day.key >= start && day.key <= today ? sum + day.value : sum }
        return Int(seconds / 60)
    }

    public static func rank(_ entries: [Entry]) -> [Ranked] {
        let ordered = entries.sorted { a, b in
            if a.minutes7d != b.minutes7d { return a.minutes7d > b.minutes7d }
            if a.currentStreak != b.currentStreak { return a.currentStreak > b.currentStreak }
            let byName = a.username.lowercased(), otherName = b.username.lowercased()
            return byName != otherName ? byName < otherName : a.userID < b.userID
        }
        var ranked: [Ranked] = []
        ranked.reserveCapacity(ordered.count)
        for (index, entry) in ordered.enumerated() {
            let shared = index > 0 && ordered[index - 1].minutes7d == entry.minutes7d
            ranked.append(Ranked(rank: shared ? ranked[index - 1].rank : index + 1, entry: entry))
        }
        return ranked
    }
}
