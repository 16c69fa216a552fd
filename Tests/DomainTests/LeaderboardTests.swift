import Domain
import Testing

@Suite struct LeaderboardTests {
    let today = LocalDate("2026-11-23")!

    @Test func theWindowIsTodayAndTheSixDaysBefore() {
        let seconds: [LocalDate: Double] = [
            today: 600, today.adding(days: -6): 1_200, today.adding(days: -7): 9_000, today.adding(days: 1): 9_000, today.adding(days: -3): 59,
        ]
        #expect(Leaderboard.windowStart(today: today) == LocalDate("2026-11-17"))
        #expect(Leaderboard.minutes(seconds, today: today) == 30, "600 + 1200 + 59 seconds, rounded down")
    }

    @Test func equalMinutesShareARank() {
        func entry(_ id: Int64, _ name: String, _ minutes: Int, _ streak: Int) -> Leaderboard.Entry {
            .init(userID: id, username: name, minutes7d: minutes, currentStreak: streak, level: 1)
        }
        let ranked = Leaderboard.rank([entry(1, "cy", 10, 0), entry(2, "Bob", 70, 1), entry(3, "ada", 70, 1), entry(4, "dee", 70, 4), entry(5, "eve", 5, 9)])
        #expect(ranked.map(\.entry.username) == ["dee", "ada", "Bob", "cy", "eve"])
        #expect(ranked.map(\.rank) == [1, 1, 1, 4, 5])
    }

    /// Against an obviously correct model: a rank is one more than the number of people
    /// with strictly more minutes; the order never puts fewer minutes first, and within
    /// equal minutes never a shorter streak first.
    @Test(arguments: [21, 22, 23])
    func ranksMatchACountingModel(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<300 {
            let entries = (0..<Int.random(in: 1...12, using: &random)).map { index in
                Leaderboard.Entry(
                    userID: Int64(index), username: "u\(Int.random(in: 0...5, using: &random))", minutes7d: Int.random(in: 0...4, using: &random) * 30,
                    currentStreak: Int.random(in: 0...3, using: &random), level: 1)
            }
            let ranked = Leaderboard.rank(entries)
            #expect(Set(ranked.map(\.entry.userID)) == Set(entries.map(\.userID)))
            for row in ranked {
                #expect(row.rank == 1 + entries.filter { $0.minutes7d > row.entry.minutes7d }.count)
            }
            for (a, b) in zip(ranked, ranked.dropFirst()) {
                #expect(a.entry.minutes7d >= b.entry.minutes7d)
                if a.entry.minutes7d == b.entry.minutes7d { #expect(a.entry.currentStreak >= b.entry.currentStreak) }
            }
        }
    }

    /// The windowed sum against a day-by-day walk.
    @Test(arguments: [31, 32])
    func minutesMatchADayByDayWalk(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<200 {
            var seconds: [LocalDate: Double] = [:]
            for offset in -12...2 where Bool.random(using: &random) { seconds[today.adding(days: offset)] = Double(Int.random(in: 0...7_200, using: &random)) }
            var walked = 0.0
            var day = today
            for _ in 0..<7 {
                walked += seconds[day] ?? 0
                day = day.adding(days: -1)
            }
            #expect(Leaderboard.minutes(seconds, today: today) == Int(walked / 60))
        }
    }
}
