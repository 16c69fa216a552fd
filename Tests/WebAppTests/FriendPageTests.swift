import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// `/friends` in a browser: requests, answers and the leaderboard, with and without
/// the page's script.
@Suite(.closingTestApps) struct FriendPageTests {
    @Test func aFriendshipMadeThroughThePages() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            let bob = Browser(client)
            try await bob.signup("bob")

            let empty = try await ada.get("/friends")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("No friends yet.") && empty.text.contains(#"href="/friends""#))

            let sent = try await ada.post("/friends/requests", ["username": "bob"], hx: true)
            #expect(sent.status == .ok)
            #expect(sent.text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix(#"<div id="friends-panel""#) && !sent.text.contains("<html"), "only the panel")
            #expect(sent.text.contains("Request sent to bob.") && sent.text.contains("Waiting for an answer"))

            let page = try await bob.get("/friends")
            #expect(page.text.contains("Asking to be your friend"))
            #expect(page.text.contains(#"Friends <span class="badge" title="Friend requests waiting for you">1<span class="visually-hidden"> waiting</span></span>"#), "the navigation counts it")
            #expect(!(try await ada.get("/dashboard").text.contains(#"class="badge" title="Friend requests"#)), "not for the sender")
            let bobRecord = try #require(try await app.services.database.user(named: "bob"))
            let requestID = try #require(try await app.services.friends.overview(for: bobRecord).incoming.first?.id)
            let accepted = try await bob.post("/friends/requests/\(requestID)/accept")
            #expect(accepted.status == .seeOther && accepted.headers[.location] == "/friends", "without the script: back to the page")
            let after = try await bob.get("/friends")
            #expect(after.text.contains(#"id="friend-1""#) && after.text.contains("<strong>ada</strong>"))
            #expect(!after.text.contains("Asking to be your friend"))

            let removed = try await ada.post("/friends/2/remove", hx: true)
            #expect(removed.status == .ok && removed.text.contains("No friends yet."))
        }
    }

    @Test func aFailedRequestKeepsTheTypedNameAndSaysWhy() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            let unknown = try await ada.post("/friends/requests", ["username": "<b>zed</b>"])
            #expect(unknown.status == .unprocessableContent, "a form error, whatever the API says")
            #expect(unknown.text.contains("<title>Friends · FocusQuest</title>"), "the whole page without the script")
            #expect(unknown.text.contains(#"value="&lt;b&gt;zed&lt;/b&gt;""#), "kept and escaped")
            #expect(unknown.text.contains("That username matches no one."))

            let yourself = try await ada.post("/friends/requests", ["username": "ada"], hx: true)
            #expect(yourself.status == .unprocessableContent && yourself.text.contains("is you"))
            #expect(try await ada.post("/friends/requests", ["username": "ada"], csrf: "forged").status == .forbidden)
            #expect(try await ada.post("/friends/requests/5/accept", hx: true).status == .notFound)
        }
    }

    @Test func theLeaderboardMarksYou() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = Browser(client)
            try await ada.signup("ada")
            let page = try await ada.get("/friends")
            #expect(page.text.contains(#"<tr class="self">"#) && page.text.contains("0 min"))
            #expect(try await Browser(client).get("/friends").status == .seeOther, "signed-in only")
        }
    }
}
