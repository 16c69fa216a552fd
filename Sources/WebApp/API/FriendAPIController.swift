import Domain
import Foundation
import Hummingbird

/// `/api/v1/friends*`, `/api/v1/leaderboard` and `/api/v1/users/{id}/streak`.
struct FriendAPIController: Sendable {
    let friends: FriendService
    let focus: FocusService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("friends") { _, context in
            let overview = try await friends.overview(for: context.user)
            return try APIResponse.json(FriendsJSON(
                friends: overview.friends.map(FriendJSON.init), incoming: overview.incoming.map(FriendRequestJSON.init),
                outgoing: overview.outgoing.map(FriendRequestJSON.init)))
        }
        api.post("friends/requests") { request, context in
            var body = try await JSONBody.read(request, context: context)
            let username = body.string("username", required: true)
            try body.checked()
            let sent = try await friends.request(from: context.user, username: username)
            return try APIResponse.json(FriendRequestJSON(sent), status: .created)
        }
        api.post("friends/requests/:id/accept") { _, context in
            let id = try PathID.parse(context, notFound: FriendService.requestNotFound)
            return try APIResponse.json(FriendJSON(try await friends.accept(id, by: context.user)))
        }
        api.post("friends/requests/:id/decline") { _, context in
            try await friends.drop(try PathID.parse(context, notFound: FriendService.requestNotFound), by: context.user)
            return Response(status: .noContent)
        }
        api.delete("friends/:id") { _, context in
            try await friends.remove(try PathID.parse(context, notFound: FriendService.friendNotFound), of: context.user)
            return Response(status: .noContent)
        }
        api.get("leaderboard") { _, context in
            let ranked = try await friends.leaderboard(for: context.user)
            return try APIResponse.json(["items": ranked.map(LeaderboardItemJSON.init)])
        }
        api.get("users/:id/streak") { _, context in
            let owner = try await friends.streakOwner(try PathID.parse(context, notFound: .notFound), viewer: context.user)
            return try APIResponse.json(StreakJSON(try await focus.streak(for: owner)))
        }
    }
}

struct FriendsJSON: Encodable {
    let friends: [FriendJSON]
    let incoming: [FriendRequestJSON]
    let outgoing: [FriendRequestJSON]
}

struct FriendJSON: Encodable {
    let userId: Int64
    let username: String
    let since: Date

    init(_ item: FriendItem) {
        userId = item.userID
        username = item.username
        since = item.since
    }
}

/// A request as its viewer sees it: `user_id` and `username` are the other person's.
struct FriendRequestJSON: Encodable {
    let id: Int64
    let userId: Int64
    let username: String
    let createdAt: Date

    init(_ item: FriendRequestItem) {
        id = item.id
        userId = item.otherID
        username = item.otherUsername
        createdAt = item.createdAt
    }
}

struct LeaderboardItemJSON: Encodable {
    let rank: Int
    let userId: Int64
    let username: String
    let minutes7d: Int
    let currentStreak: Int
    let level: Int

    init(_ ranked: Leaderboard.Ranked) {
        rank = ranked.rank
        userId = ranked.entry.userID
        username = ranked.entry.username
        minutes7d = ranked.entry.minutes7d
        currentStreak = ranked.entry.currentStreak
        level = ranked.entry.level
    }

    enum CodingKeys: String, CodingKey {
        case rank, userId, username, minutes7d = "minutes_7d", currentStreak, level
    }
}
