import Domain
import Foundation
import PostgresNIO

/// Friend requests, friendships and the leaderboard's reads on PostgreSQL
/// (``FriendStorage``). A request holds both people's rows (in id order, so two requests
/// between the same two people made at once on two instances take turns and the second
/// finds the first).
extension PostgresStore: FriendStorage {
    func sendFriendRequest(from userID: Int64, to username: String, now: Date) async throws -> FriendRequestItem {
        try await write { tx in
            guard let row = try await tx.first("SELECT id, username, disabled FROM users WHERE lower(username) = lower(\(username))") else {
                throw FriendConflict.unknownUser
            }
            let (recipientID, recipientName, disabled) = try row.decode((Int64, String, Bool).self)
            if disabled { throw FriendConflict.unknownUser }
            if recipientID == userID { throw FriendConflict.ownself }
            try await tx.execute("SELECT 1 FROM users WHERE id IN (\(userID), \(recipientID)) ORDER BY id FOR NO KEY UPDATE")
            let state = try await tx.one(
                """
                SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = \(userID) AND friend_id = \(recipientID)),
                    EXISTS (SELECT 1 FROM friend_requests WHERE (from_user_id = \(userID) AND to_user_id = \(recipientID))
                        OR (from_user_id = \(recipientID) AND to_user_id = \(userID)))
                """)
            let (friends, pending) = try state.decode((Bool, Bool).self)
            if friends { throw FriendConflict.alreadyFriends }
            if pending { throw FriendConflict.requestPending }
            let id = try await tx.one(
                "INSERT INTO friend_requests (from_user_id, to_user_id, created_at) VALUES (\(userID), \(recipientID), \(now)) RETURNING id"
            ).decode(Int64.self)
            Self.noteFriends(tx, userID, recipientID)
            return FriendRequestItem(id: id, otherID: recipientID, otherUsername: recipientName, createdAt: now)
        }
    }

    func acceptFriendRequest(id: Int64, by userID: Int64, now: Date) async throws -> FriendItem {
        try await write { tx in
            guard
                let row = try await tx.first(
                    """
                    DELETE FROM friend_requests r USING users u
                    WHERE r.id = \(id) AND r.to_user_id = \(userID) AND u.id = r.from_user_id AND NOT u.disabled
                    RETURNING r.from_user_id, u.username
                    """)
            else { throw FriendConflict.requestMissing }
            let (senderID, senderName) = try row.decode((Int64, String).self)
            try await tx.execute(
                """
                INSERT INTO friendships (user_id, friend_id, since) VALUES (\(userID), \(senderID), \(now)), (\(senderID), \(userID), \(now))
                ON CONFLICT DO NOTHING
                """)
            Self.noteFriends(tx, userID, senderID)
            return FriendItem(userID: senderID, username: senderName, since: now)
        }
    }

    func dropFriendRequest(id: Int64, by userID: Int64) async throws -> Bool {
        try await write { tx in
            guard
                let row = try await tx.first(
                    "DELETE FROM friend_requests WHERE id = \(id) AND (to_user_id = \(userID) OR from_user_id = \(userID)) RETURNING from_user_id, to_user_id")
            else { return false }
            let (from, to) = try row.decode((Int64, Int64).self)
            Self.noteFriends(tx, from, to)
            return true
        }
    }

    func removeFriend(_ friendID: Int64, of userID: Int64) async throws -> Bool {
        try await write { tx in
            let removed = try await tx.all(
                """
                DELETE FROM friendships WHERE (user_id = \(userID) AND friend_id = \(friendID)) OR (user_id = \(friendID) AND friend_id = \(userID))
                RETURNING 1
                """)
            guard !removed.isEmpty else { return false }
            Self.noteFriends(tx, userID, friendID)
            return true
        }
    }

    /// Both people of a request or friendship see the change.
    private static func noteFriends(_ tx: PostgresTransaction, _ one: Int64, _ other: Int64) {
        tx.note(userID: one, .friends)
        tx.note(userID: other, .friends)
    }

    func areFriends(_ userID: Int64, _ otherID: Int64) async throws -> Bool {
        try await read { connection in
            try await connection.first(
                "SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = \(userID) AND friend_id = \(otherID))", logger: logger)?.decode(Bool.self) ?? false
        }
    }

    func friendsOverview(userID: Int64) async throws -> FriendsOverview {
        try await read { connection in try await Self.friendsOverview(connection, userID: userID, logger: logger) }
    }

    /// The overview and the members from one snapshot.
    func friendsPage(userID: Int64, since: LocalDate) async throws -> (overview: FriendsOverview, members: [LeaderboardMember]) {
        try await snapshot { connection in
            (
                overview: try await Self.friendsOverview(connection, userID: userID, logger: logger),
                members: try await Self.leaderboardMembers(connection, userID: userID, since: since, logger: logger)
            )
        }
    }

    func leaderboardMembers(userID: Int64, since: LocalDate) async throws -> [LeaderboardMember] {
        try await read { connection in try await Self.leaderboardMembers(connection, userID: userID, since: since, logger: logger) }
    }

    private static func friendsOverview(_ connection: PostgresConnection, userID: Int64, logger: Logger) async throws -> FriendsOverview {
        var friends: [FriendItem] = []
        var incoming: [FriendRequestItem] = []
        var outgoing: [FriendRequestItem] = []
        let rows = try await connection.all(
            """
            SELECT 'friend', 0::bigint, u.id, u.username, f.since FROM friendships f JOIN users u ON u.id = f.friend_id WHERE f.user_id = \(userID) AND NOT u.disabled
            UNION ALL
            SELECT 'incoming', r.id, u.id, u.username, r.created_at FROM friend_requests r JOIN users u ON u.id = r.from_user_id
                WHERE r.to_user_id = \(userID) AND NOT u.disabled
            UNION ALL
            SELECT 'outgoing', r.id, u.id, u.username, r.created_at FROM friend_requests r JOIN users u ON u.id = r.to_user_id
                WHERE r.from_user_id = \(userID) AND NOT u.disabled
            """, logger: logger)
        for row in rows {
            let (kind, id, otherID, username, at) = try row.decode((String, Int64, Int64, String, Date).self)
            switch kind {
            case "friend": friends.append(FriendItem(userID: otherID, username: username, since: at))
            case "incoming": incoming.append(FriendRequestItem(id: id, otherID: otherID, otherUsername: username, createdAt: at))
            default: outgoing.append(FriendRequestItem(id: id, otherID: otherID, otherUsername: username, createdAt: at))
            }
        }
        return FriendsOverview(sorting: friends, incoming: incoming, outgoing: outgoing)
    }

    /// Two statements whatever the number of friends: the members with their streaks, then
    /// their daily focus from `since` on.
    private static func leaderboardMembers(_ connection: PostgresConnection, userID: Int64, since: LocalDate, logger: Logger) async throws -> [LeaderboardMember] {
        let circle = "SELECT $1::bigint UNION ALL SELECT friend_id FROM friendships WHERE user_id = $1"
        var members: [Int64: LeaderboardMember] = [:]
        let memberRows = try await connection.all(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(UserRecord.postgresColumns(of: "u")), \(StreakRecord.postgresColumns(of: "s"))
                    FROM users u LEFT JOIN streaks s ON s.user_id = u.id WHERE u.id IN (\(circle)) AND (u.id = $1 OR NOT u.disabled)
                    """, binds: try Self.binds(userID)), logger: logger)
        for row in memberRows {
            var columns = PostgresColumns(row)
            let user = try UserRecord(&columns)
            members[user.userID] = LeaderboardMember(userID: user.userID, username: user.username, user: user, streak: try StreakRecord.projection(&columns), secondsByDay: [:])
        }
        let days = try await connection.all(
            PostgresQuery(
                unsafeSQL: "SELECT user_id, day::text, seconds FROM daily_totals WHERE user_id IN (\(circle)) AND day >= $2::date",
                binds: try Self.binds(userID, since.description)), logger: logger)
        for row in days {
            var columns = PostgresColumns(row)
            let member = try columns.next(Int64.self)
            guard let day = try columns.day() else { continue }
            members[member]?.secondsByDay[day] = try columns.next(Double.self)
        }
        return Array(members.values)
    }

    private static func binds(_ userID: Int64, _ text: String? = nil) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(userID)
        if let text { bindings.append(text) }
        return bindings
    }
}
