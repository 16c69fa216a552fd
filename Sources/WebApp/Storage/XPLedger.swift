import Domain
import Foundation
import GRDB

/// The one place XP is awarded: a fact appended to `xp_ledger` (once per reference, by
/// its unique index) and the user's cached total kept in step, inside the caller's
/// transaction. The ledger is the audit trail: `users.xp` always equals its sum.
enum XPLedger {
    /// Returns the XP actually added (0 when the reference was already awarded). A new
    /// level is announced to the user's webhooks (`level.up`) unless `announce` is false
    /// (an import, which is not live activity).
    static func award(_ db: Database, userID: Int64, amount: Int, reason: String, reference: String, at now: Date, announce: Bool = true) throws -> Int {
        guard amount > 0 else { return 0 }
        try db.execute(
            sql: "INSERT OR IGNORE INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, amount, reason, reference, now])
        guard db.changesCount > 0 else { return 0 }
        let total = try Int.fetchOne(db, sql: "UPDATE users SET xp = xp + ? WHERE id = ? RETURNING xp", arguments: [amount, userID]) ?? 0
        LiveChangeLog.note(db, userID: userID, .progress)
        let level = Level.forXP(total)
        if announce, level > Level.forXP(total - amount) {
            try WebhookOutbox.emit(db, userID: userID, event: .levelUp, data: #"{"level":\#(level),"xp":\#(total)}"#, at: now)
        }
        return amount
    }
}
