import Domain
import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// SPEC §3 and §4, friends: requests by username, accept / decline / withdraw / remove,
/// the leaderboard, and who may read whose streak.
@Suite(.closingTestApps) struct FriendAPITests {
    typealias Person = (access: String, refresh: String, id: Int)

    func friends(_ client: any TestClientProtocol, _ person: Person) async throws -> [String: [[String: Any]]] {
        let response = try await client.api(.get, "/api/v1/friends", token: person.access)
        #expect(response.status == .ok)
        return try response.json().compactMapValues { $0 as? [[String: Any]] }
    }

    func request(_ client: any TestClientProtocol, from person: Person, to username: String) async throws -> TestResponse {
        try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"\#(username)"}"#, token: person.access)
    }

    /// `a` asks `b` and `b` accepts.
    func befriend(_ client: any TestClientProtocol, _ a: Person, _ b: Person, bName: String) async throws {
        let sent = try await request(client, from: a, to: bName)
        #expect(sent.status == .created)
        let id = try #require(try sent.json()["id"] as? Int)
        #expect(try await client.api(.post, "/api/v1/friends/requests/\(id)/accept", token: b.access).status == .ok)
    }

    @Test func aRequestAcceptedMakesFriendsOnBothSides() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let sent = try await request(client, from: ada, to: " @BOB ")
            #expect(sent.status == .created)
            let item = try sent.json()
            #expect(item["user_id"] as? Int == bob.id && item["username"] as? String == "bob", "names match without regard to case, an @ in front is dropped")
            #expect(item["created_at"] as? String == RFC3339.string(app.clock.now))
            let requestID = try #require(item["id"] as? Int)

            #expect(try await friends(client, ada)["outgoing"]?.map { $0["username"] as? String } == ["bob"])
            let incoming = try #require(try await friends(client, bob)["incoming"])
            #expect(incoming.count == 1 && incoming[0]["id"] as? Int == requestID && incoming[0]["user_id"] as? Int == ada.id)

            #expect(try await client.api(.post, "/api/v1/friends/requests/\(requestID)/accept", token: ada.access).status == .notFound, "only the recipient accepts")
            app.clock.advance(by: 60)
            let accepted = try await client.api(.post, "/api/v1/friends/requests/\(requestID)/accept", token: bob.access)
            #expect(accepted.status == .ok)
            let friend = try accepted.json()
            #expect(friend["user_id"] as? Int == ada.id && friend["username"] as? String == "ada")
            #expect(friend["since"] as? String == RFC3339.string(app.clock.now))

            for (person, other) in [(ada, "bob"), (bob, "ada")] {
                let lists = try await friends(client, person)
                #expect(lists["friends"]?.map { $0["username"] as? String } == [other])
                #expect(lists["incoming"]?.isEmpty == true && lists["outgoing"]?.isEmpty == true)
            }
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(requestID)/accept", token: bob.access).status == .notFound, "a request is accepted once")
        }
    }

    @Test func badRequestsAreRefusedAndChangeNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let unknown = try await request(client, from: ada, to: "nobody")
            #expect(unknown.status == .notFound && unknown.errorCode == "user_not_found")
            let yourself = try await request(client, from: ada, to: "Ada")
            #expect(yourself.status == .unprocessableContent && yourself.errorFields?["username"] != nil)
            let empty = try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"  "}"#, token: ada.access)
            #expect(empty.status == .unprocessableContent && empty.errorFields?["username"] != nil)
            let wrongType = try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":5}"#, token: ada.access)
            #expect(wrongType.status == .unprocessableContent)
            let malformed = try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"#, token: ada.access)
            #expect(malformed.status == .badRequest && malformed.errorCode == "malformed_json")
            #expect(try await friends(client, ada).values.allSatisfy(\.isEmpty))

            #expect(try await request(client, from: ada, to: "bob").status == .created)
            let again = try await request(client, from: ada, to: "bob")
            #expect(again.status == .conflict && again.errorCode == "friend_request_pending")
            let reverse = try await request(client, from: bob, to: "ada")
            #expect(reverse.status == .conflict && reverse.errorCode == "friend_request_pending", "their request is there to accept")
            let id = try #require(try await friends(client, bob)["incoming"]?.first?["id"] as? Int)
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(id)/accept", token: bob.access).status == .ok)
            let friendsAlready = try await request(client, from: bob, to: "ada")
            #expect(friendsAlready.status == .conflict && friendsAlready.errorCode == "already_friends")

            for path in ["/api/v1/friends/requests/abc/accept", "/api/v1/friends/requests/0/decline", "/api/v1/friends/requests/999/accept"] {
                #expect(try await client.api(.post, path, token: ada.access).status == .notFound, "\(path)")
            }
            #expect(try await client.api(.get, "/api/v1/friends").status == .unauthorized, "Bearer only")
        }
    }

    @Test func eitherPersonDropsAPendingRequestAndFriendsRemoveEachOther() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let eve = try await client.apiSignup("eve")
            let declined = try #require(try await request(client, from: ada, to: "bob").json()["id"] as? Int)
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(declined)/decline", token: eve.access).status == .notFound, "not eve's")
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(declined)/decline", token: bob.access).status == .noContent)
            #expect(try await friends(client, ada)["outgoing"]?.isEmpty == true)

            let withdrawn = try #require(try await request(client, from: ada, to: "bob").json()["id"] as? Int)
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(withdrawn)/decline", token: ada.access).status == .noContent)
            #expect(try await friends(client, bob)["incoming"]?.isEmpty == true)

            try await befriend(client, ada, bob, bName: "bob")
            #expect(try await client.api(.delete, "/api/v1/friends/\(eve.id)", token: ada.access).status == .notFound)
            #expect(try await client.api(.delete, "/api/v1/friends/\(ada.id)", token: bob.access).status == .noContent)
            #expect(try await friends(client, ada)["friends"]?.isEmpty == true, "removed for both")
            #expect(try await client.api(.delete, "/api/v1/friends/\(ada.id)", token: bob.access).status == .notFound)
        }
    }

    @Test func onlyYouYourFriendsAndAdminsReadYourStreak() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let eve = try await client.apiSignup("eve")
            let root = try await client.apiLogin("root")
            let end = app.clock.now
            let session = #"{"session_id":"s","start_time":"\#(RFC3339.string(end.addingTimeInterval(-40 * 60)))","end_time":"\#(RFC3339.string(end))"}"#
            #expect(try await client.api(.post, "/api/v1/sessions", json: session, token: ada.access).status == .created)

            func streak(of id: Int, as token: String) async throws -> TestResponse {
                try await client.api(.get, "/api/v1/users/\(id)/streak", token: token)
            }
            #expect(try await streak(of: ada.id, as: ada.access).json()["current"] as? Int == 1)
            #expect(try await streak(of: ada.id, as: bob.access).status == .notFound, "not a friend yet")
            #expect(try await streak(of: 999, as: bob.access).status == .notFound)
            try await befriend(client, ada, bob, bName: "bob")
            let asFriend = try await streak(of: ada.id, as: bob.access)
            #expect(asFriend.status == .ok)
            #expect(try asFriend.json()["current"] as? Int == 1 && (try asFriend.json()["today_minutes"] as? Int) == 40, "ada's streak, not bob's")
            #expect(try await streak(of: bob.id, as: ada.access).status == .ok, "both ways")
            #expect(try await streak(of: ada.id, as: eve.access).status == .notFound)
            #expect(try await streak(of: ada.id, as: root).status == .ok, "admins may")
            #expect(try await streak(of: 999, as: root).status == .notFound)
            #expect(try await client.api(.delete, "/api/v1/friends/\(bob.id)", token: ada.access).status == .noContent)
            #expect(try await streak(of: ada.id, as: bob.access).status == .notFound, "not after the friendship ends")
        }
    }

    /// A disabled account drops out of its friends' lists, requests and leaderboards and
    /// cannot be asked; enabling it again brings everything back.
    @Test func aDisabledAccountDropsOutOfFriendsViewsUntilEnabled() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let cyd = try await client.apiSignup("cyd")
            let eve = try await client.apiSignup("eve")
            let root = try await client.apiLogin("root")
            try await befriend(client, ada, bob, bName: "bob")
            let fromCyd = try #require(try await request(client, from: cyd, to: "bob").json()["id"] as? Int)
            #expect(try await request(client, from: bob, to: "eve").status == .created)
            func setDisabled(_ id: Int, _ disabled: Bool) async throws {
                #expect(try await client.api(.patch, "/api/v1/admin/users/\(id)", json: #"{"disabled":\#(disabled)}"#, token: root).status == .ok)
            }
            func board(_ person: Person) async throws -> [String?] {
                try #require(try await client.api(.get, "/api/v1/leaderboard", token: person.access).json()["items"] as? [[String: Any]]).map { $0["username"] as? String }
            }

            try await setDisabled(bob.id, true)
            #expect(try await friends(client, ada)["friends"]?.isEmpty == true, "bob is out of ada's friends")
            #expect(try await board(ada) == ["ada"])
            #expect(try await friends(client, cyd)["outgoing"]?.isEmpty == true)
            #expect(try await friends(client, eve)["incoming"]?.isEmpty == true)
            #expect(try await request(client, from: eve, to: "bob").status == .notFound, "a disabled account cannot be asked, as if nobody had the name")
            #expect(try await client.api(.get, "/api/v1/users/\(bob.id)/streak", token: ada.access).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/users/\(bob.id)/streak", token: root).status == .ok, "admins still may")
            try await setDisabled(cyd.id, true)
            try await setDisabled(bob.id, false)
            // Disabling ended bob's sessions: he signs in again.
            let bobAgain: Person = (try await client.apiLogin("bob"), "", bob.id)
            #expect(try await client.api(.post, "/api/v1/friends/requests/\(fromCyd)/accept", token: bobAgain.access).status == .notFound, "a disabled sender's request cannot be accepted")

            try await setDisabled(cyd.id, false)
            #expect(try await friends(client, ada)["friends"]?.map { $0["username"] as? String } == ["bob"], "enabled again: the friendship is back")
            #expect(try await board(ada) == ["ada", "bob"])
            #expect(try await friends(client, bobAgain)["incoming"]?.map { $0["username"] as? String } == ["cyd"])
            #expect(try await friends(client, eve)["incoming"]?.map { $0["username"] as? String } == ["bob"])
        }
    }

    @Test func theLeaderboardRanksYouAndYourFriendsByTheirLastSevenDays() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            let cyd = try await client.apiSignup("cyd")
            let eve = try await client.apiSignup("eve")
            try await befriend(client, ada, bob, bName: "bob")
            try await befriend(client, cyd, ada, bName: "ada")
            // Minutes each: one session `daysAgo` days before now.
            func focus(_ person: Person, _ id: String, minutes: Int, daysAgo: Int) async throws {
                let end = app.clock.now.addingTimeInterval(Double(-daysAgo * 86_400))
                let body = #"{"session_id":"\#(id)","start_time":"\#(RFC3339.string(end.addingTimeInterval(Double(-minutes * 60))))","end_time":"\#(RFC3339.string(end))"}"#
                #expect(try await client.api(.post, "/api/v1/sessions", json: body, token: person.access).status == .created)
            }
            try await focus(ada, "a1", minutes: 50, daysAgo: 0)
            try await focus(ada, "a2", minutes: 20, daysAgo: 6)
            try await focus(bob, "b1", minutes: 70, daysAgo: 1)
            try await focus(bob, "b2", minutes: 300, daysAgo: 8)  // outside the window
            try await focus(cyd, "c1", minutes: 10, daysAgo: 2)
            try await focus(eve, "e1", minutes: 900, daysAgo: 0)  // not a friend

            let board = try await client.api(.get, "/api/v1/leaderboard", token: ada.access)
            #expect(board.status == .ok)
            let items = try #require(try board.json()["items"] as? [[String: Any]])
            #expect(items.map { $0["username"] as? String } == ["ada", "bob", "cyd"], "equal minutes and streaks: by name")
            #expect(items.map { $0["rank"] as? Int } == [1, 1, 3], "70 minutes each share first place")
            #expect(items.map { $0["minutes_7d"] as? Int } == [70, 70, 10])
            #expect(items.map { $0["user_id"] as? Int } == [ada.id, bob.id, cyd.id])
            let adaRow = try #require(items.first { $0["username"] as? String == "ada" })
            #expect(adaRow["current_streak"] as? Int == 1 && adaRow["level"] as? Int == 1)

            let alone = try #require(try await client.api(.get, "/api/v1/leaderboard", token: eve.access).json()["items"] as? [[String: Any]])
            #expect(alone.map { $0["username"] as? String } == ["eve"], "you are always on your own board")
        }
    }
}
