import Domain
import Foundation
import GRDB

/// A row of `streaks`: the stored ``StreakProjection`` of a user.
struct StreakRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "streaks"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var userId: Int64
    /// The run's qualified days after the anchor.
    var lastRunLength: Int
    var longest: Int
    var qualifiedDays: Int
    var lastQualifiedDate: String?
    var milestones: Int
    var freezesHeld: Int
    var freezesUsed: Int
    var firstDay: String?
    var anchor: String?
    /// One letter per day (``DayState``), ending at the anchor.
    var recentStates: String
    /// ``StreakBridges/encoded`` for the days after the anchor.
    var bridges: String
    /// Stored before the fair-streak rules: to be walked again (see the v11 migration).
    var stale = false

    /// The columns a reader needs, in the order ``projection(_:from:)`` reads them.
    static let columns = columns(of: nil)
    static let columnCount = 11

    /// ``columns``, each qualified by `table` when given.
    static func columns(of table: String?) -> String {
        ["last_run_length", "longest", "qualified_days", "last_qualified_date", "milestones", "freezes_held", "freezes_used", "first_day", "anchor", "recent_states", "bridges"]
            .map { column in (table.map { "\($0)." } ?? "") + column }.joined(separator: ", ")
    }

    init(userID: Int64, _ projection: StreakProjection) {
        userId = userID
        let walk = projection.walk
        lastRunLength = walk.run
        longest = walk.longest
        qualifiedDays = walk.qualifiedDays
        lastQualifiedDate = walk.lastQualifiedDate?.description
        milestones = walk.milestones
        freezesHeld = walk.freezesHeld
        freezesUsed = walk.freezesUsed
        firstDay = projection.firstDay?.description
        anchor = projection.anchor?.description
        recentStates = String(projection.recentStates.map(\.letter))
        bridges = projection.bridges.encoded
    }

    /// The projection from ``columns`` starting at `base`; an absent row (NULLs, as a
    /// LEFT JOIN gives) is the empty projection.
    static func projection(_ row: Row, from base: Int) -> StreakProjection {
        guard let run = row[base] as Int? else { return .empty }
        var walk = StreakWalk()
        walk.run = run
        walk.longest = row[base + 1]
        walk.qualifiedDays = row[base + 2]
        walk.lastQualifiedDate = row.storedDay(base + 3)
        walk.milestones = row[base + 4]
        walk.freezesHeld = row[base + 5]
        walk.freezesUsed = row[base + 6]
        let bridges = row[base + 10] as String? ?? ""
        return StreakProjection(
            walk: walk, firstDay: row.storedDay(base + 7), anchor: row.storedDay(base + 8),
            recentStates: row.storedDayStates(base + 9), bridges: bridges.isEmpty ? .none : StreakBridges(encoded: bridges))
    }

    static func find(_ db: Database, userID: Int64) throws -> StreakProjection {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM streaks WHERE user_id = ?"), arguments: [userID]) else {
            return .empty
        }
        return projection(row, from: 0)
    }
}
