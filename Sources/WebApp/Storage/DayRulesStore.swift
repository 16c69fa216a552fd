import Domain
import Foundation
import GRDB

/// Changing a user's day start and rest days (SPEC §9): the change applies from their
/// next local day, recorded in `day_rules` with that date so past days keep their rules.
enum DayRulesStore {
    /// Inside the caller's transaction: stores the rules as the user's from tomorrow on
    /// (replacing a change still pending), re-splits the days a new day start moves
    /// (today's end and later), and recomputes the streak.
    static func change(_ db: Database, userID: Int64, to rules: DayRules, qualifySeconds: Double, now: Date) throws {
        guard let user = try UserRecord.find(db, id: userID), rules != user.dayRules else { return }
        let today = user.today(at: now)
        let tomorrow = today.adding(days: 1)
        let before = try StreakLedger.dayRules(db, userID: userID)
        try db.execute(sql: "DELETE FROM day_rules WHERE user_id = ? AND effective_from >= ?", arguments: [userID, tomorrow.description])
        try db.execute(
            sql: "INSERT INTO day_rules (user_id, effective_from, day_starts_at, rest_days, changed_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, tomorrow.description, rules.dayStartsAt, rules.restDays.mask, now])
        try db.execute(
            sql: "UPDATE users SET day_starts_at = ?, rest_days = ?, day_rules_from = ?, earlier_day_starts_at = ? WHERE id = ?",
            arguments: [rules.dayStartsAt, rules.restDays.mask, tomorrow.description, before.rules(on: today).dayStartsAt, userID])
        // What the table now holds: the earlier changes, then this one.
        let after = DayRuleHistory(before.changes.filter { $0.from < tomorrow } + [DayRuleChange(from: tomorrow, rules: rules)])
        if after.rules(on: tomorrow).dayStartsAt != before.rules(on: tomorrow).dayStartsAt {
            try resplit(db, userID: userID, from: today, rules: after, now: now)
        }
        try StreakLedger.recompute(db, userID: userID, qualifySeconds: qualifySeconds, rules: after, at: now)
    }

    /// Daily totals from `day` on, again from the sessions that touch them. Sessions last
    /// at most a day and `day` is today somewhere near `now`, so only sessions that
    /// started in the last few days can reach it.
    private static func resplit(_ db: Database, userID: Int64, from day: LocalDate, rules: DayRuleHistory, now: Date) throws {
        try db.execute(sql: "DELETE FROM daily_totals WHERE user_id = ? AND day >= ?", arguments: [userID, day.description])
        let sessions = try FocusSessionRecord.fetchAll(
            db, sql: "SELECT * FROM focus_sessions WHERE user_id = ? AND start_time >= ?", arguments: [userID, now.addingTimeInterval(-5 * 86_400)])
        for session in sessions {
            try FocusLedger.addToDailyTotals(db, session, rules: rules, from: day)
        }
    }
}
