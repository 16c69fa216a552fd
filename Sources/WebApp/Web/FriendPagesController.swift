import Domain
import Foundation
import Hummingbird
import Templates

/// `/friends`: the leaderboard, friend requests and the friends list. Every action
/// swaps the whole panel (it changes several lists at once); without JavaScript it
/// redirects back to the page. A failed request re-renders the form with the typed
/// username and the reason (422, like every form error).
struct FriendPagesController: Sendable {
    let friends: FriendService
    let views: Views

    func addRoutes(to router: RouterGroup<AuthenticatedContext>) {
        router.get("friends") { _, context in
            try await panel(context, status: .ok)
        }
        router.post("friends/requests") { request, context in
            let form = try await FormData.read(request, context: context)
            do {
                let sent = try await friends.request(from: context.user, username: form["username"])
                return try await done(context, notice: "Request sent to \(sent.otherUsername).")
            } catch let error as AppError where error.fields?["username"] != nil {
                let reason = error.fields?["username"] ?? error.message
                // 422 whatever the API would say (404, 409): the page's form-error status,
                // which the script swaps in place.
                return try await panel(context, status: .unprocessableContent, typed: form["username"] ?? "", error: "That username \(reason).")
            }
        }
        router.post("friends/requests/:id/accept") { _, context in
            let friend = try await friends.accept(try PathID.parse(context, notFound: FriendService.requestNotFound), by: context.user)
            return try await done(context, notice: "You and \(friend.username) are friends now.")
        }
        router.post("friends/requests/:id/decline") { _, context in
            try await friends.drop(try PathID.parse(context, notFound: FriendService.requestNotFound), by: context.user)
            return try await done(context, notice: nil)
        }
        router.post("friends/:id/remove") { _, context in
            try await friends.remove(try PathID.parse(context, notFound: FriendService.friendNotFound), of: context.user)
            return try await done(context, notice: nil)
        }
    }

    /// After an action: the fresh panel for the page's script, a redirect otherwise.
    private func done(_ context: AuthenticatedContext, notice: String?) async throws -> Response {
        guard context.isHXRequest else { return WebResponse.redirect(to: "/friends", context: context) }
        return try await panel(context, status: .ok, notice: notice)
    }

    private func panel(_ context: AuthenticatedContext, status: HTTPResponse.Status, typed: String = "", error: String? = nil, notice: String? = nil) async throws -> Response {
        let user = context.user
        let (overview, ranked) = try await friends.page(for: user)
        let values: [String: TemplateValue] = [
            "leaderboard": .array(ranked.map { row in
                [
                    "rank": .int(row.rank), "username": .string(row.entry.username), "minutes": .int(row.entry.minutes7d),
                    "streak": .int(row.entry.currentStreak), "level": .int(row.entry.level), "is_self": .bool(row.entry.userID == user.userID),
                ]
            }),
            "friends": .array(overview.friends.map { friend in
                ["user_id": .int(Int(friend.userID)), "username": .string(friend.username), "since": .date(friend.since)]
            }),
            "incoming": .array(overview.incoming.map(Self.requestValues)),
            "outgoing": .array(overview.outgoing.map(Self.requestValues)),
            "request_username": .string(typed), "request_error": error.map(TemplateValue.string) ?? .null,
            "notice": notice.map(TemplateValue.string) ?? .null,
        ]
        return try views.page("pages/friends", fragments: ["friends_panel"], status: status, values, context: context)
    }

    private static func requestValues(_ request: FriendRequestItem) -> TemplateValue {
        ["id": .int(Int(request.id)), "username": .string(request.otherUsername), "created_at": .date(request.createdAt)]
    }
}
