import Domain
import Foundation
import GRDB

/// A pending friend request as one of its two people sees it: `other` is the person on
/// the far side (the recipient of an outgoing request, the sender of an incoming one).
struct FriendRequestItem: Sendable, Equatable {
    let id: Int64
    let otherID: Int64
    let otherUsername: String
    let createdAt: Date
}

/// An accepted friendship as one of its two people sees it.
struct FriendItem: Sendable, Equatable {
    let userID: Int64
    let username: String
    let since: Date
}

struct FriendsOverview: Sendable {
    let friends: [FriendItem]
    let incoming: [FriendRequestItem]
    let outgoing: [FriendRequestItem]
}

/// One person on a leaderboard, before the ranking: their stored streak and the focus
/// seconds per local day since the earliest day any member's window can start.
struct LeaderboardMember: Sendable {
    let userID: Int64
    let username: String
    /// What finding the member's today needs.
    let user: UserRecord
    let streak: StreakProjection
    var secondsByDay: [LocalDate: Double]
}

extension AppDatabase: FriendStorage {
    /// Asks `username` to be friends. Usernames match without regard to case.
    func sendFriendRequest(from userID: Int64, to username: String, now: Date) async throws -> FriendRequestItem {
        try await write { db in
            guard let recipient = try UserRecord.find(db, username: username), !recipient.disabled else { throw FriendConflict.unknownUser }
            let recipientID = recipient.userID
            if recipientID == userID { throw FriendConflict.ownself }
            if try Self.areFriends(db, userID, recipientID) { throw FriendConflict.alreadyFriends }
            let pending = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM friend_requests
                    WHERE (from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?))
                """, arguments: [userID, recipientID, recipientID, userID]) ?? false
            if pending { throw FriendConflict.requestPending }
            try db.execute(sql: "INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (?, ?, ?)", arguments: [userID, recipientID, now])
            Self.noteFriends(db, userID, recipientID)
            return FriendRequestItem(id: db.lastInsertedRowID, otherID: recipientID, otherUsername: recipient.username, createdAt: now)
        }
    }

    /// The recipient accepts: the request goes, the friendship (both directions) comes.
    func acceptFriendRequest(id: Int64, by userID: Int64, now: Date) async throws -> FriendItem {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.from_user_id, u.username FROM friend_requests r JOIN users u ON u.id = r.from_user_id
                WHERE r.id = ? AND r.to_user_id = ? AND NOT u.disabled
                """, arguments: [id, userID])
            else { throw FriendConflict.requestMissing }
            let senderID: Int64 = row[0]
            try db.execute(sql: "DELETE FROM friend_requests WHERE id = ?", arguments: [id])
            try db.execute(
                sql: "INSERT OR IGNORE INTO friendships (user_id, friend_id, since) VALUES (?, ?, ?), (?, ?, ?)",
                arguments: [userID, senderID, now, senderID, userID, now])
            Self.noteFriends(db, userID, senderID)
            return FriendItem(userID: senderID, username: row[1], since: now)
        }
    }

    /// Either person drops a pending request: the recipient declines it, the sender
    /// withdraws it. False when there is no such request of theirs.
    func dropFriendRequest(id: Int64, by userID: Int64) async throws -> Bool {
        try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "DELETE FROM friend_requests WHERE id = ? AND (to_user_id = ? OR from_user_id = ?) RETURNING from_user_id, to_user_id",
                arguments: [id, userID, userID])
            else { return false }
            Self.noteFriends(db, row[0], row[1])
            return true
        }
    }

    /// Ends a friendship for both people. False when they were not friends.
    func removeFriend(_ friendID: Int64, of userID: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)",
                arguments: [userID, friendID, friendID, userID])
            guard db.changesCount > 0 else { return false }
            Self.noteFriends(db, userID, friendID)
            return true
        }
    }

    /// Both people of a request or friendship see the change.
    private static func noteFriends(_ db: Database, _ one: Int64, _ other: Int64) {
        LiveChangeLog.note(db, userID: one, .friends)
        LiveChangeLog.note(db, userID: other, .friends)
    }

    func areFriends(_ userID: Int64, _ otherID: Int64) throws -> Bool {
        try read { db in try Self.areFriends(db, userID, otherID) }
    }

    private static func areFriends(_ db: Database, _ userID: Int64, _ otherID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?)", arguments: [userID, otherID]) ?? false
    }

    /// Friends (by username), incoming and outgoing requests (newest first) in one statement.
    func friendsOverview(userID: Int64) throws -> FriendsOverview {
        try read { db in try Self.friendsOverview(db, userID: userID) }
    }

    /// The friends page: the overview and the leaderboard's members from one snapshot.
    func friendsPage(userID: Int64, since: LocalDate) throws -> (overview: FriendsOverview, members: [LeaderboardMember]) {
        try read { db in (try Self.friendsOverview(db, userID: userID), try Self.leaderboardMembers(db, userID: userID, since: since)) }
    }

    private static func friendsOverview(_ db: Database, userID: Int64) throws -> FriendsOverview {
        let rows = try Row.fetchAll(db.cachedStatement(sql: Self.overviewSQL), arguments: [userID])
        var friends: [FriendItem] = []
        var incoming: [FriendRequestItem] = []
        var outgoing: [FriendRequestItem] = []
        for row in rows {
            let kind: String = row[0]
            let at = row.storedDate(4) ?? .distantPast
            switch kind {
            case "friend": friends.append(FriendItem(userID: row[2], username: row[3], since: at))
            case "incoming": incoming.append(FriendRequestItem(id: row[1], otherID: row[2], otherUsername: row[3], createdAt: at))
            default: outgoing.append(FriendRequestItem(id: row[1], otherID: row[2], otherUsername: row[3], createdAt: at))
            }
        }
        return FriendsOverview(sorting: friends, incoming: incoming, outgoing: outgoing)
    }

    /// Friends, incoming and outgoing requests of user `?1`; a disabled account's are left
    /// out (they come back with it).
    static let overviewSQL = """
        SELECT 'friend', NULL, u.id, u.username, f.since FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = ?1 AND NOT u.disabled
        UNION ALL
        SELECT 'incoming', r.id, u.id, u.username, r.created_at FROM friend_requests r JOIN users u ON u.id = r.from_user_id
            WHERE r.to_user_id = ?1 AND NOT u.disabled
        UNION ALL
        SELECT 'outgoing', r.id, u.id, u.username, r.created_at FROM friend_requests r JOIN users u ON u.id = r.to_user_id
            WHERE r.from_user_id = ?1 AND NOT u.disabled
        """

    /// User `?1` and their friends whose accounts are not disabled, with their stored streaks.
    static let leaderboardMembersSQL = """
        SELECT \(UserRecord.columns(of: "u")), \(StreakRecord.columns(of: "s"))
        FROM users u LEFT JOIN streaks s ON s.user_id = u.id
        WHERE u.id IN (\(AppDatabase.membersOfCircle)) AND (u.id = ?1 OR NOT u.disabled)
        """

    /// Daily focus of user `?1` and their friends from day `?2` on.
    static let leaderboardDaysSQL = """
        SELECT d.user_id, d.day, d.seconds FROM daily_totals d
        WHERE d.user_id IN (\(AppDatabase.membersOfCircle)) AND d.day >= ?2
        """

    /// The ids of user `?1` and their friends (each an index lookup).
    static let membersOfCircle = "SELECT ?1 UNION ALL SELECT friend_id FROM friendships WHERE user_id = ?1"

    /// The user and their friends with streaks, and their daily focus from `since` on.
    /// Two statements whatever the number of friends.
    func leaderboardMembers(userID: Int64, since: LocalDate) throws -> [LeaderboardMember] {
        try read { db in try Self.leaderboardMembers(db, userID: userID, since: since) }
    }

    private static func leaderboardMembers(_ db: Database, userID: Int64, since: LocalDate) throws -> [LeaderboardMember] {
        let memberRows = try Row.fetchAll(db.cachedStatement(sql: Self.leaderboardMembersSQL), arguments: [userID])
        var members: [Int64: LeaderboardMember] = [:]
        for row in memberRows {
            let user = try UserRecord(row: row)
            members[user.userID] = LeaderboardMember(
                userID: user.userID, username: user.username, user: user, streak: StreakRecord.projection(row, from: UserRecord.columnCount),
                secondsByDay: [:])
        }
        let days = try Row.fetchCursor(db.cachedStatement(sql: Self.leaderboardDaysSQL), arguments: [userID, since.description])
        while let row = try days.next() {
            guard let day = row.storedDay(1) else { continue }
            members[row[0]]?.secondsByDay[day] = row[2]
        }
        return Array(members.values)
    }
}
