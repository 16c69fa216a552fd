import Domain
import Foundation
import Testing

@testable import WebApp

/// Friend requests, friendships and the leaderboard's reads hold to one contract on both
/// backends (SPEC §6, §14).
@Suite(.coversBothBackends) struct FriendStorageContractTests {
    static let now = StorageContractTests.now

    @Test(arguments: Backend.available)
    func requestsBecomeFriendshipsOnceAndEitherSideEndsThem(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store, "ada")
            let bob = try await StorageContractTests.newUser(store, "Bob")
            let cy = try await StorageContractTests.newUser(store, "cy")
            await #expect(throws: FriendConflict.unknownUser) { try await db.sendFriendRequest(from: ada.userID, to: "nobody", now: Self.now) }
            await #expect(throws: FriendConflict.ownself) { try await db.sendFriendRequest(from: ada.userID, to: "ADA", now: Self.now) }
            let request = try await db.sendFriendRequest(from: ada.userID, to: "bob", now: Self.now)
            #expect(request.otherID == bob.userID && request.otherUsername == "Bob" && request.createdAt == Self.now)
            await #expect(throws: FriendConflict.requestPending) { try await db.sendFriendRequest(from: bob.userID, to: "ada", now: Self.now) }
            _ = try await db.sendFriendRequest(from: cy.userID, to: "ada", now: Self.now + 1)

            let adas = try await db.friendsOverview(userID: ada.userID)
            #expect(adas.outgoing.map(\.otherUsername) == ["Bob"] && adas.incoming.map(\.otherUsername) == ["cy"] && adas.friends.isEmpty)
            #expect(try await db.userWithIncomingRequests(id: bob.userID, session: try await db.startSession(
                userID: bob.userID, origin: SignInOrigin(device: "d", ip: "192.0.2.1"), refresh: nil, now: Self.now))?.incomingRequests == 1)

            await #expect(throws: FriendConflict.requestMissing) { try await db.acceptFriendRequest(id: request.id, by: ada.userID, now: Self.now) }
            let friend = try await db.acceptFriendRequest(id: request.id, by: bob.userID, now: Self.now + 2)
            #expect(friend.userID == ada.userID && friend.username == "ada" && friend.since == Self.now + 2)
            #expect(try await db.areFriends(ada.userID, bob.userID))
            #expect(try await db.areFriends(bob.userID, ada.userID))
            await #expect(throws: FriendConflict.alreadyFriends) { try await db.sendFriendRequest(from: bob.userID, to: "ada", now: Self.now) }
            await #expect(throws: FriendConflict.requestMissing) { try await db.acceptFriendRequest(id: request.id, by: bob.userID, now: Self.now) }

            #expect(try await !db.dropFriendRequest(id: adas.incoming[0].id, by: bob.userID), "not bob's request")
            #expect(try await db.dropFriendRequest(id: adas.incoming[0].id, by: cy.userID), "the sender withdraws")
            #expect(try await db.friendsOverview(userID: ada.userID).incoming.isEmpty)
            #expect(try await db.removeFriend(ada.userID, of: bob.userID))
            #expect(try await !db.removeFriend(ada.userID, of: bob.userID))
            #expect(try await !db.areFriends(ada.userID, bob.userID))
        }
    }

    /// Two people asking each other at the same moment (on PostgreSQL from two connections)
    /// leave one request, not two.
    @Test(arguments: Backend.available)
    func crossingRequestsLeaveOne(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            for round in 0..<5 {
                let ada = try await StorageContractTests.newUser(store, "ada\(round)")
                let bob = try await StorageContractTests.newUser(store, "bob\(round)")
                async let one = try? db.sendFriendRequest(from: ada.userID, to: "bob\(round)", now: Self.now)
                async let other = try? db.sendFriendRequest(from: bob.userID, to: "ada\(round)", now: Self.now)
                let sent = [await one, await other].compactMap { $0 }
                #expect(sent.count == 1)
            }
            #expect(try await store.integer("SELECT count(*) FROM friend_requests") == 5)
        }
    }

    @Test(arguments: Backend.available)
    func theLeaderboardReadsTheCircleItsStreaksAndItsDays(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let ada = try await StorageContractTests.newUser(store, "ada")
            let bob = try await StorageContractTests.newUser(store, "bob")
            let cy = try await StorageContractTests.newUser(store, "cy")
            let request = try await db.sendFriendRequest(from: ada.userID, to: "bob", now: Self.now)
            _ = try await db.acceptFriendRequest(id: request.id, by: bob.userID, now: Self.now)
            try await store.execute(
                """
                INSERT INTO daily_totals (user_id, day, seconds) VALUES (\(ada.userID), '2026-11-28', 1500), (\(ada.userID), '2026-11-29', 3000.5),
                    (\(bob.userID), '2026-11-29', 60), (\(cy.userID), '2026-11-29', 9000), (\(bob.userID), '2026-11-01', 60)
                """)
            try await store.execute(
                """
                INSERT INTO streaks (user_id, last_run_length, longest, qualified_days, last_qualified_date, milestones, freezes_held, freezes_used,
                    first_day, anchor, recent_states, bridges) VALUES (\(ada.userID), 2, 5, 9, '2026-11-29', 1, 1, 0, '2026-11-01', '2026-11-27', 'qr', '')
                """)
            let members = try await db.leaderboardMembers(userID: ada.userID, since: try #require(LocalDate("2026-11-20")))
            #expect(Set(members.map(\.username)) == ["ada", "bob"], "the user and their friends only")
            let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.userID, $0) })
            let adas = try #require(byID[ada.userID])
            let day = try #require(LocalDate("2026-11-29"))
            #expect(adas.secondsByDay.count == 2 && adas.secondsByDay[day] == 3000.5)
            #expect(adas.streak.walk.longest == 5 && adas.streak.walk.run == 2 && adas.streak.anchor == LocalDate("2026-11-27"))
            #expect(adas.streak.recentStates == [.qualified, .rest] && adas.streak.firstDay == LocalDate("2026-11-01"))
            let bobs = try #require(byID[bob.userID])
            #expect(bobs.secondsByDay.count == 1, "from the window's start on")
            #expect(bobs.streak.walk.longest == StreakProjection.empty.walk.longest && bobs.streak.anchor == nil, "no streak row: empty")
            let page = try await db.friendsPage(userID: ada.userID, since: try #require(LocalDate("2026-11-20")))
            #expect(page.overview.friends.map(\.username) == ["bob"] && page.members.count == 2)
        }
    }
}
