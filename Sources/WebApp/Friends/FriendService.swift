import Domain
import Foundation

/// Friends (SPEC §4): requests by username, accept, decline or withdraw, remove; the
/// leaderboard of you and your friends; who may read whose streak.
///
/// Decided where the spec is silent: a request while one is pending in either direction
/// is a duplicate (409) — the other person's request is there to accept; either person
/// may drop a pending request (the recipient declines, the sender withdraws); removing a
/// friend ends the friendship for both. A disabled account drops out of other people's
/// friends, requests and leaderboards, cannot be asked (it is "not found", like a name
/// nobody has) and its streak is hidden from all but admins; its friendships and requests
/// are kept, so enabling it again brings them back.
struct FriendService: Sendable {
    let database: any FriendStorage & AccountStorage
    let clock: any WallClock

    static let unknownUser = AppError(.notFound, "user_not_found", "No one has that username.", fields: ["username": "matches no one"])
    static let alreadyFriends = AppError(.conflict, "already_friends", "You are already friends.", fields: ["username": "is already your friend"])
    static let requestPending = AppError(
        .conflict, "friend_request_pending", "A friend request between you is already waiting.", fields: ["username": "has a request waiting"])
    static let requestNotFound = AppError(.notFound, "friend_request_not_found", "There is no such friend request.")
    static let friendNotFound = AppError(.notFound, "friend_not_found", "That person is not your friend.")

    func overview(for user: UserRecord) async throws -> FriendsOverview {
        try await database.friendsOverview(userID: user.userID)
    }

    func request(from user: UserRecord, username rawName: String?) async throws -> FriendRequestItem {
        // People often write a handle as "@name"; usernames never start with "@".
        var username = (rawName ?? "").trimmingWhitespace
        if username.hasPrefix("@") { username.removeFirst() }
        guard !username.isEmpty else { throw AppError.validation("username", "is required") }
        do {
            return try await database.sendFriendRequest(from: user.userID, to: username, now: clock.now)
        } catch let conflict as FriendConflict {
            switch conflict {
            case .unknownUser: throw Self.unknownUser
            case .ownself: throw AppError.validation("username", "is you; ask someone else")
            case .alreadyFriends: throw Self.alreadyFriends
            case .requestPending: throw Self.requestPending
            case .requestMissing: throw Self.requestNotFound
            }
        }
    }

    func accept(_ requestID: Int64, by user: UserRecord) async throws -> FriendItem {
        do {
            return try await database.acceptFriendRequest(id: requestID, by: user.userID, now: clock.now)
        } catch FriendConflict.requestMissing {
            throw Self.requestNotFound
        }
    }

    func drop(_ requestID: Int64, by user: UserRecord) async throws {
        guard try await database.dropFriendRequest(id: requestID, by: user.userID) else { throw Self.requestNotFound }
    }

    func remove(_ friendID: Int64, of user: UserRecord) async throws {
        guard try await database.removeFriend(friendID, of: user.userID) else { throw Self.friendNotFound }
    }

    /// The user and their friends, ranked (SPEC §4, rules in ``Leaderboard``).
    func leaderboard(for user: UserRecord) async throws -> [Leaderboard.Ranked] {
        ranked(try await database.leaderboardMembers(userID: user.userID, since: windowStart))
    }

    /// The friends page: the overview and the leaderboard, read from one snapshot.
    func page(for user: UserRecord) async throws -> (overview: FriendsOverview, leaderboard: [Leaderboard.Ranked]) {
        let read = try await database.friendsPage(userID: user.userID, since: windowStart)
        return (read.overview, ranked(read.members))
    }

    /// The earliest day any member's window can start: today's date somewhere on Earth is
    /// at most a day before UTC's (a day start of up to 6 h moves it back only where the
    /// date is UTC's).
    private var windowStart: LocalDate {
        Leaderboard.windowStart(today: LocalDate(clock.now, in: .gmt).adding(days: -1))
    }

    private func ranked(_ members: [LeaderboardMember]) -> [Leaderboard.Ranked] {
        let now = clock.now
        return Leaderboard.rank(members.map { member in
            let today = member.user.today(at: now)
            return Leaderboard.Entry(
                userID: member.userID, username: member.username, minutes7d: Leaderboard.minutes(member.secondsByDay, today: today),
                currentStreak: member.streak.status(today: today).current, level: member.user.level)
        })
    }

    /// Whose streak `viewer` may read: their own, a friend's, anyone's for an admin.
    /// Anyone else is "not found", so the answer does not tell who exists.
    func streakOwner(_ userID: Int64, viewer: UserRecord) async throws -> UserRecord {
        if userID == viewer.userID { return viewer }
        let allowed = viewer.isAdmin ? true : try await database.areFriends(viewer.userID, userID)
        guard allowed, let owner = try await database.user(id: userID), viewer.isAdmin || !owner.disabled else { throw AppError.notFound }
        return owner
    }
}
