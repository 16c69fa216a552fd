import Domain
import Foundation
import GRDB

/// Realistic demo and benchmark data, deterministic for a given seed: varied task titles
/// and descriptions (with characters that need escaping), mixed statuses, focus sessions
/// over the last days in varied time zones with real streaks. Everything derived — daily
/// totals, streaks, task minutes, XP facts — comes from the same Domain rules the app uses
/// (``DaySplitter``, ``StreakProjection``, ``FocusXP``), computed per user in one pass and
/// written with prepared statements, so the result equals what the API would have built.
/// Then everyone gets a few friends.
struct Seeder {
    struct Plan: Sendable {
        var users: Int
        var tasksPerUser: Int
        var sessionsPerUser: Int
        var days: Int
        /// One more user, `heavy`, with five years of history (``heavyProfile()``).
        var heavyUser = false
        var seed: UInt64 = 20_261_123
    }

    let database: AppDatabase
    let plan: Plan
    let passwordHash: String
    let qualifySeconds: Double
    let now: Date

    static let zones = ["UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Europe/London", "America/St_Johns"]
    static let verbs = ["Write", "Review", "Fix", "Plan", "Read", "Refactor", "Email", "Call", "Draft", "Test", "Design", "Study"]
    static let objects = ["the <Q3> report", "budget & forecast", "O'Brien's \"notes\"", "login page", "chapter 4", "café menu", "team retro", "tax forms", "API docs", "a < b && c > d check", "grant proposal", "slides"]
    static let details = [
        "Steps: open <settings>, click \"save\", check 'status' & report back.",
        "Keep it short — under 500 words.",
        "Ask Zoë about the numbers before Friday.",
        "",
        "Use <b>bold</b> sparingly & quote \"sources\".",
    ]

    /// Seeds in batches of users per transaction, then their friendships; `progress`
    /// gets the users done so far.
    func run(progress: (Int) -> Void) async throws {
        let batch = 250
        var userIDs: [Int64] = []
        while userIDs.count < plan.users {
            let range = (userIDs.count + 1)...min(plan.users, userIDs.count + batch)
            userIDs += try await database.pool.write { db in
                let statements = try Statements(db)
                return try range.map { index in try seedUser(index, statements, db) }
            }
            progress(userIDs.count)
        }
        try await seedFriends(userIDs)
        if plan.heavyUser {
            _ = try await database.pool.write { db in try seedUser(Self.heavyProfile(), seed: plan.seed, try Statements(db), db) }
        }
    }

    /// A few friends each: every user befriends up to three people among the next fifty
    /// (fewer in a small seed; so friends live in other time zones and have other
    /// habits), which gives about six friends per user; every seventh user also has a
    /// request waiting from someone further away.
    private func seedFriends(_ userIDs: [Int64]) async throws {
        let friendWindow = min(50, max(1, userIDs.count / 4))
        for start in stride(from: 0, to: userIDs.count, by: 1000) {
            try await database.pool.write { db in
                let friendship = try db.makeStatement(sql: "INSERT OR IGNORE INTO friendships (user_id, friend_id, since) VALUES (?, ?, ?), (?, ?, ?)")
                let request = try db.makeStatement(sql: "INSERT OR IGNORE INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (?, ?, ?)")
                for position in start..<min(userIDs.count, start + 1000) {
                    var random = SeededRandom(seed: plan.seed &+ UInt64(position) &* 0x2545_F491)
                    let user = userIDs[position]
                    let reachable = userIDs.count - position - 1
                    for _ in 0..<min(3, reachable) {
                        let friend = userIDs[position + Int.random(in: 1...min(friendWindow, reachable), using: &random)]
                        let since = now.addingTimeInterval(-Double(Int.random(in: 3_600...(plan.days * 86_400 + 3_600), using: &random)))
                        try friendship.execute(arguments: [user, friend, since, friend, user, since])
                    }
                    if position % 7 == 0, reachable > friendWindow {
                        let stranger = userIDs[position + Int.random(in: (friendWindow + 1)...min(2 * friendWindow, reachable), using: &random)]
                        try request.execute(arguments: [stranger, user, now.addingTimeInterval(-Double(Int.random(in: 60...86_400, using: &random)))])
                    }
                }
            }
        }
    }

    private struct Statements {
        let user, task, session, daily, streak, ledger: Statement
        init(_ db: Database) throws {
            user = try db.makeStatement(sql: "INSERT INTO users (username, password_hash, timezone, is_admin, xp, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            task = try db.makeStatement(sql: "INSERT INTO tasks (user_id, title, description, status, estimate_pomodoros, focus_seconds, pomodoros, created_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")
            session = try db.makeStatement(sql: "INSERT INTO focus_sessions (user_id, session_id, start_time, end_time, timezone, task_id, full_pomodoro, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")
            daily = try db.makeStatement(sql: "INSERT INTO daily_totals (user_id, day, seconds) VALUES (?, ?, ?)")
            streak = try db.makeStatement(sql: "INSERT INTO streaks (user_id, \(StreakRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            ledger = try db.makeStatement(sql: "INSERT INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (?, ?, ?, ?, ?)")
        }
    }

    /// Who one seeded user is: the demo users differ by index; the heavy user (`--heavy-user`)
    /// has years of daily focus, many tasks and moved between time zones.
    struct Profile {
        var username: String
        var isAdmin = false
        var tasks: Int
        var sessions: Int
        var days: Int
        /// The share of days with focus, and the sessions on such a day.
        var diligence: ClosedRange<Double>
        var sessionsPerDay: ClosedRange<Int>
        /// The zone the user lived in `daysAgo` days before now (sessions carry it).
        var zone: (_ daysAgo: Int) -> String
    }

    private func demoProfile(_ index: Int) -> Profile {
        let zone = Self.zones[index % Self.zones.count]
        return Profile(
            username: "user\(index)", isAdmin: index == 1, tasks: plan.tasksPerUser, sessions: plan.sessionsPerUser, days: plan.days,
            diligence: 0.3...0.95, sessionsPerDay: 1...3, zone: { _ in zone })
    }

    /// Five years of focus on every day (one to five sessions, ~5,500 in all), 2,000 tasks,
    /// and a move to another time zone every 15 months: the longest history (issue 21).
    static func heavyProfile() -> Profile {
        let moves = ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles"]
        return Profile(
            username: "heavy", tasks: 2_000, sessions: 6_000, days: 5 * 365, diligence: 1...1, sessionsPerDay: 1...5,
            zone: { daysAgo in moves[min(moves.count - 1, daysAgo / 456)] })
    }

    private func seedUser(_ index: Int, _ s: Statements, _ db: Database) throws -> Int64 {
        try seedUser(demoProfile(index), seed: plan.seed &+ UInt64(index) &* 0x9E37_79B9, s, db)
    }

    /// Seeds `profile` in the open transaction: the user, tasks, sessions and everything derived.
    private func seedUser(_ profile: Profile, seed: UInt64, _ s: Statements, _ db: Database) throws -> Int64 {
        var random = SeededRandom(seed: seed)
        let currentZone = profile.zone(0)
        let created = now.addingTimeInterval(-Double(profile.days + Int.random(in: 1...30, using: &random)) * 86_400)
        let lastActive = now.addingTimeInterval(-Double(Int.random(in: 0...(14 * 86_400), using: &random)))
        try s.user.execute(arguments: [profile.username, passwordHash, currentZone, profile.isAdmin, 0, created, lastActive])
        let userID = db.lastInsertedRowID

        var tasks: [(title: String, description: String, status: TaskStatus, estimate: Int?, seconds: Int, created: Date)] = []
        for number in 0..<profile.tasks {
            let title = "\(Self.verbs.randomElement(using: &random)!) \(Self.objects.randomElement(using: &random)!) #\(number + 1)"
            let roll = Int.random(in: 0..<10, using: &random)
            let status: TaskStatus = roll < 5 ? .todo : roll < 7 ? .inProgress : .done
            let estimate: Int? = Bool.random(using: &random) ? Int.random(in: 1...8, using: &random) : nil
            let taskCreated = created.addingTimeInterval(Double(Int.random(in: 0...(profile.days * 86_400), using: &random)))
            tasks.append((title, Self.details.randomElement(using: &random)!, status, estimate, 0, min(taskCreated, now)))
        }

        // Focus on a user-specific share of days, in runs, during local daytime.
        let diligence = Double.random(in: profile.diligence, using: &random)
        var sessions: [(start: Date, end: Date, zone: String, task: Int?)] = []
        var day = 0
        while sessions.count < profile.sessions && day < profile.days {
            if Double.random(in: 0...1, using: &random) < diligence {
                let zoneName = profile.zone(day)
                let zone = TimeZone(identifier: zoneName) ?? .gmt
                let date = LocalDate(now, in: zone).adding(days: -day)
                for _ in 0..<Int.random(in: profile.sessionsPerDay, using: &random) where sessions.count < profile.sessions {
                    let start = date.start(in: zone).addingTimeInterval(Double(Int.random(in: (8 * 60)...(21 * 60), using: &random) * 60))
                    let minutes = [15, 25, 25, 25, 30, 45, 50].randomElement(using: &random)!
                    let end = start.addingTimeInterval(Double(minutes * 60))
                    guard end <= now else { continue }
                    let task = tasks.isEmpty || Bool.random(using: &random) ? nil : Int.random(in: 0..<tasks.count, using: &random)
                    sessions.append((start, end, zoneName, task))
                }
            }
            day += 1
        }
        for session in sessions {
            if let task = session.task { tasks[task].seconds += Int(session.end.timeIntervalSince(session.start)) }
        }

        var taskIDs: [Int64] = []
        var xp = 0
        for task in tasks {
            let completed: Date? = task.status == .done ? min(now, task.created.addingTimeInterval(3600)) : nil
            try s.task.execute(arguments: [userID, task.title, task.description, task.status.rawValue, task.estimate, task.seconds, task.created, completed ?? task.created, completed])
            let taskID = db.lastInsertedRowID
            taskIDs.append(taskID)
            if let completed {
                try s.ledger.execute(arguments: [userID, TaskCompletionXP.amount, "task_completed", "task:\(taskID)", completed])
                xp += TaskCompletionXP.amount
            }
        }

        var totals: [LocalDate: Double] = [:]
        for (number, session) in sessions.enumerated() {
            let taskID = session.task.map { taskIDs[$0] }
            try s.session.execute(arguments: [userID, "seed-\(number)", session.start, session.end, session.zone, taskID, session.end])
            let zone = TimeZone(identifier: session.zone) ?? .gmt
            for piece in DaySplitter.split(start: session.start, end: session.end, in: zone) { totals[piece.day, default: 0] += piece.seconds }
            let earned = FocusXP.forSession(seconds: session.end.timeIntervalSince(session.start), fullPomodoroSeconds: nil)
            try s.ledger.execute(arguments: [userID, earned, "focus_session", "session:seed-\(number)", session.end])
            xp += earned
        }
        for (date, seconds) in totals { try s.daily.execute(arguments: [userID, date.description, seconds]) }
        let projection = StreakProjection(totals: totals, goalSeconds: qualifySeconds, bridges: .none)
        let row = StreakRecord(userID: userID, projection)
        try s.streak.execute(arguments: [
            userID, row.lastRunLength, row.longest, row.qualifiedDays, row.lastQualifiedDate, row.milestones, row.freezesHeld, row.freezesUsed,
            row.firstDay, row.anchor, row.recentStates, row.bridges,
        ])
        let streak = projection.walk
        if streak.milestones > 0 {
            for milestone in 1...streak.milestones {
                try s.ledger.execute(arguments: [userID, FocusXP.perStreakMilestone, "streak_milestone", "milestone:\(milestone)", now])
            }
        }
        xp += FocusXP.perStreakMilestone * streak.milestones
        try db.execute(sql: "UPDATE users SET xp = ? WHERE id = ?", arguments: [xp, userID])
        return userID
    }
}
