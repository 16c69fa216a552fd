import Domain
import Foundation
import GRDB

/// The streak inside a use case's transaction: its facts (daily totals, the day-rules
/// history, planned breaks) and its stored projection, recomputed from all of them after
/// every write that can change it, so it always equals a full recomputation.
///
/// Milestone XP stays a ledger fact keyed by the milestone's number (`milestone:k`, the
/// k-th reached): a walk that reaches more milestones than the stored row awards the new
/// numbers; one that reaches fewer (a fact that moved a milestone) removes nothing, and
/// reaching a number again earns nothing. XP is the sum of the ledger, which only grows.
enum StreakLedger {
    static func dayRules(_ db: Database, userID: Int64) throws -> DayRuleHistory {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT effective_from, day_starts_at, rest_days FROM day_rules WHERE user_id = ?"), arguments: [userID])
        return DayRuleHistory(rows.compactMap { row in
            (row[0] as String?).flatMap(LocalDate.init).map { DayRuleChange(from: $0, rules: DayRules(dayStartsAt: row[1], restDays: RestDays(mask: row[2]))) }
        })
    }

    static func breaks(_ db: Database, userID: Int64) throws -> [BreakRecord] {
        try BreakRecord.fetchAll(db.cachedStatement(sql: "SELECT \(BreakRecord.columns) FROM breaks WHERE user_id = ? ORDER BY first_day"), arguments: [userID])
    }

    /// Focus seconds on every local day of the user.
    static func totals(_ db: Database, userID: Int64) throws -> [LocalDate: Double] {
        var totals: [LocalDate: Double] = [:]
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT day, seconds FROM daily_totals WHERE user_id = ?"), arguments: [userID])
        while let row = try rows.next() {
            if let day = row.storedDay(0) { totals[day, default: 0] += row[1] as Double }
        }
        return totals
    }

    /// The projection walked from every stored fact (`keepStates`: how many days' states
    /// to keep, up to the anchor).
    static func walk(
        _ db: Database, userID: Int64, qualifySeconds: Double, rules: DayRuleHistory, totals: [LocalDate: Double]? = nil,
        keepStates: Int = StreakProjection.storedStates
    ) throws -> StreakProjection {
        let totals = try totals ?? Self.totals(db, userID: userID)
        let bridges = StreakBridges(history: rules, breaks: try breaks(db, userID: userID).compactMap(\.days))
        return StreakProjection(totals: totals, goalSeconds: qualifySeconds, bridges: bridges, keepStates: keepStates)
    }

    /// Recomputes and stores the projection; awards milestones beyond the stored count.
    /// Returns the XP awarded.
    @discardableResult
    /// `announce`: tell the user's webhooks of new milestones (`streak.milestone`); an
    /// import does not.
    static func recompute(_ db: Database, userID: Int64, qualifySeconds: Double, rules: DayRuleHistory? = nil, at now: Date, announce: Bool = true) throws -> Int {
        let previous = try StreakRecord.find(db, userID: userID).walk.milestones
        let projection = try walk(db, userID: userID, qualifySeconds: qualifySeconds, rules: rules ?? dayRules(db, userID: userID))
        try StreakRecord(userID: userID, projection).save(db)
        LiveChangeLog.note(db, userID: userID, .progress)
        var earned = 0
        if projection.walk.milestones > previous {
            for milestone in (previous + 1)...projection.walk.milestones {
                earned += try XPLedger.award(
                    db, userID: userID, amount: FocusXP.perStreakMilestone, reason: "streak_milestone", reference: "milestone:\(milestone)", at: now,
                    announce: announce)
                if announce {
                    try WebhookOutbox.emit(
                        db, userID: userID, event: .streakMilestone,
                        data: #"{"current":\#(projection.walk.run),"milestone":\#(max(StreakWalk.milestoneEvery, projection.walk.run / StreakWalk.milestoneEvery * StreakWalk.milestoneEvery))}"#,
                        at: now)
                }
            }
        }
        return earned
    }
}

/// A row of `breaks`: a planned break, local dates inclusive.
struct BreakRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "breaks"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    static let columns = "id, user_id, first_day, last_day, note, created_at"

    var id: Int64?
    var userId: Int64
    var firstDay: String
    var lastDay: String
    var note: String?
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var days: ClosedRange<LocalDate>? {
        guard let first = LocalDate(firstDay), let last = LocalDate(lastDay), first <= last else { return nil }
        return first...last
    }
}

extension AppDatabase {
    /// Walks again every streak stored before the fair-streak rules (marked stale by the
    /// v11 migration), awarding milestones the walk reaches beyond the stored ones.
    /// Returns how many were walked.
    @discardableResult
    func rewalkStaleStreaks(qualifySeconds: Double, now: Date) async throws -> Int {
        var walked = 0
        while true {
            let batch = try await write { db in
                let users = try Int64.fetchAll(db, sql: "SELECT user_id FROM streaks WHERE stale = 1 LIMIT 500")
                for user in users {
                    try StreakLedger.recompute(db, userID: user, qualifySeconds: qualifySeconds, at: now)
                }
                return users.count
            }
            walked += batch
            if batch == 0 { return walked }
        }
    }
}
