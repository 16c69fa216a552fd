import Foundation
import GRDB

/// The one place XP is awarded: a fact appended to `xp_ledger` (once per reference, by
/// its unique index) and the user's cached total kept in step, inside the caller's
/// transaction. The ledger is the audit trail: `users.xp` always equals its sum.
enum XPLedger {
    /// Returns the XP actually added (0 when the reference was already awarded).
    static func award(_ db: Database, userID: Int64, amount: Int, reason: String, reference: String, at now: Date) throws -> Int {
        guard amount > 0 else { return 0 }
        try db.execute(
            sql: "INSERT OR IGNORE INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [userID, amount, reason, reference, now])
        guard db.changesCount > 0 else { return 0 }
        try db.execute(sql: "UPDATE users SET xp = xp + ? WHERE id = ?", arguments: [amount, userID])
        return amount
    }
}
