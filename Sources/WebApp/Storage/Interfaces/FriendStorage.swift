import Domain
import Foundation

/// Why a friend request or friendship change was refused.
enum FriendConflict: Error, Equatable { case unknownUser, ownself, alreadyFriends, requestPending, requestMissing }

/// Friend requests, friendships and the leaderboard's reads (SPEC §6), one transaction
/// each. SQLite: ``AppDatabase`` (`FriendStore.swift`); PostgreSQL: ``PostgresStore``
/// (`PostgresFriendStore.swift`).
protocol FriendStorage: Sendable {
    /// Asks `username` to be friends. Usernames match without regard to case.
    func sendFriendRequest(from userID: Int64, to username: String, now: Date) async throws -> FriendRequestItem
    /// The recipient accepts: the request goes, the friendship (both directions) comes.
    func acceptFriendRequest(id: Int64, by userID: Int64, now: Date) async throws -> FriendItem
    /// Either person drops a pending request: the recipient declines it, the sender
    /// withdraws it. False when there is no such request of theirs.
    func dropFriendRequest(id: Int64, by userID: Int64) async throws -> Bool
    /// Ends a friendship for both people. False when they were not friends.
    func removeFriend(_ friendID: Int64, of userID: Int64) async throws -> Bool
    func areFriends(_ userID: Int64, _ otherID: Int64) async throws -> Bool
    /// Friends (by username), incoming and outgoing requests (newest first).
    func friendsOverview(userID: Int64) async throws -> FriendsOverview
    /// The friends page: the overview and the leaderboard's members from one snapshot.
    func friendsPage(userID: Int64, since: LocalDate) async throws -> (overview: FriendsOverview, members: [LeaderboardMember])
    /// The user and their friends with streaks, and their daily focus from `since` on.
    func leaderboardMembers(userID: Int64, since: LocalDate) async throws -> [LeaderboardMember]
}

extension FriendsOverview {
    /// Friends by name, requests newest first: the order both backends answer in.
    init(sorting friends: [FriendItem], incoming: [FriendRequestItem], outgoing: [FriendRequestItem]) {
        self.init(
            friends: friends.sorted { $0.username.localizedCaseInsensitiveCompare($1.username) == .orderedAscending },
            incoming: incoming.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) },
            outgoing: outgoing.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) })
    }
}
