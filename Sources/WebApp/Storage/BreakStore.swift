import Domain
import Foundation
import GRDB

/// Planned breaks (SPEC §9), each change one transaction with the streak recomputed.
extension AppDatabase {
    /// Validates against the user's today and other breaks, stores (the note trimmed; an
    /// empty one is none), recomputes.
    func planBreak(userID: Int64, from: LocalDate?, to: LocalDate?, note: String?, qualifySeconds: Double, now: Date) async throws -> BreakRecord {
        try await write { db in
            guard let user = try UserRecord.find(db, id: userID) else { throw BreakConflict.notFound }
            let others = try StreakLedger.breaks(db, userID: userID).compactMap(\.days)
            let days = try BreakRules.validate(from: from, to: to, note: note, today: user.today(at: now), others: others)
            var record = BreakRecord(userId: userID, firstDay: days.lowerBound.description, lastDay: days.upperBound.description,
                note: note.map(\.trimmingWhitespace).flatMap { $0.isEmpty ? nil : $0 }, createdAt: now)
            try record.insert(db)
            try StreakLedger.recompute(db, userID: userID, qualifySeconds: qualifySeconds, at: now)
            return record
        }
    }

    /// Cancels a break that has not started (its first day is after the user's today).
    func cancelBreak(userID: Int64, id: Int64, qualifySeconds: Double, now: Date) async throws {
        try await write { db in
            guard let user = try UserRecord.find(db, id: userID),
                let record = try BreakRecord.fetchOne(db, sql: "SELECT \(BreakRecord.columns) FROM breaks WHERE id = ? AND user_id = ?", arguments: [id, userID])
            else { throw BreakConflict.notFound }
            guard let days = record.days, days.lowerBound > user.today(at: now) else { throw BreakConflict.started }
            try db.execute(sql: "DELETE FROM breaks WHERE id = ?", arguments: [id])
            try StreakLedger.recompute(db, userID: userID, qualifySeconds: qualifySeconds, at: now)
        }
    }

    /// The user's breaks, oldest first.
    func breaks(userID: Int64) async throws -> [BreakRecord] {
        try read { db in try StreakLedger.breaks(db, userID: userID) }
    }

    /// The streak walked from every fact, keeping every day's state (the calendar).
    func fullStreak(userID: Int64, qualifySeconds: Double) async throws -> (projection: StreakProjection, totals: [LocalDate: Double]) {
        try read { db in
            let totals = try StreakLedger.totals(db, userID: userID)
            let rules = try StreakLedger.dayRules(db, userID: userID)
            return (try StreakLedger.walk(db, userID: userID, qualifySeconds: qualifySeconds, rules: rules, totals: totals, keepStates: .max), totals)
        }
    }
}
