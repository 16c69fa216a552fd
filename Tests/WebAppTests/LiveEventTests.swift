import Domain
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import WebApp

/// The live streams' parts (SPEC §12): what each write path notes for the streams, that
/// only committed changes leave storage, and the hub's fan-out and cap. (The streams over
/// HTTP are tested against a real server in `Tests/e2e/test_live.py`.)
@Suite(.closingTestApps) struct LiveEventTests {
    /// Collects what a database publishes.
    final class Published: Sendable {
        private let batches = Mutex<[[LiveChange]]>([])
        init(_ database: any AppStorage) { database.liveChanges.listen { batch in self.batches.withLock { $0.append(batch) } } }
        var all: [LiveChange] { batches.withLock { $0.flatMap { $0 } } }
        func topics(of user: Int64) -> Set<LiveTopic> { Set(all.filter { $0.userID == user }.map(\.topic)) }
        func clear() { batches.withLock { $0 = [] } }
    }

    @Test func everyWritePathNotesWhatItChangedForWhom() async throws {
        let app = try await TestApp.make()
        let published = Published(app.services.database)
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            published.clear()
            #expect(try await client.api(.post, "/api/v1/timer/start", json: #"{"minutes":25}"#, token: ada.access).status == .created)
            #expect(published.topics(of: 1) == [.timer])
            published.clear()
            let task = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"Write"}"#, token: ada.access).json()["id"] as? Int
            #expect(published.all == [LiveChange(userID: 1, topic: .tasks, taskIDs: [Int64(task ?? 0)])])
            published.clear()
            app.clock.advance(by: 26 * 60)
            #expect(try await client.api(.post, "/api/v1/timer/complete", token: ada.access).status != .created)
            _ = try await client.api(.get, "/api/v1/timer", token: ada.access)
            #expect(published.topics(of: 1).isSuperset(of: [.timer, .progress]), "a timer run out is settled, counted and told")
            published.clear()
            #expect(try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"bob"}"#, token: ada.access).status == .created)
            #expect(published.topics(of: 1) == [.friends] && published.topics(of: 2) == [.friends], "both people hear of a request")
            published.clear()
            #expect(try await client.api(.post, "/api/v1/auth/logout", json: #"{"everywhere":true}"#, token: bob.access).status == .noContent)
            #expect(published.topics(of: 2) == [.access])
        }
    }

    @Test func aPageWindowsChangesCarryItsNameBack() async throws {
        let app = try await TestApp.make()
        let published = Published(app.services.database)
        try await app.test { client in
            let browser = Browser(client)
            try await browser.signup("ada")
            published.clear()
            let window = "0123456789abcdef0123456789abcdef"
            try await browser.post("/tasks", ["title": "From the laptop"], hx: true, headers: [.fqWindow: window])
            #expect(published.all.map(\.origin) == [window])
            published.clear()
            try await browser.post("/tasks", ["title": "Odd header"], hx: true, headers: [.fqWindow: "<script>"])
            #expect(published.all.map(\.origin) == [nil], "a name the script would not make is ignored")
        }
        #expect(LiveEventRenderer.stamped("{}", by: "abc") == #"{"by":"abc"}"#)
        #expect(LiveEventRenderer.stamped(#"{"ids":[1]}"#, by: "abc") == #"{"ids":[1],"by":"abc"}"#)
    }

    @Test(.sqliteOnly) func aRolledBackWritePublishesNothing() async throws {
        let app = try await TestApp.make()
        let published = Published(app.services.database)
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            published.clear()
            let refused = try await client.api(.post, "/api/v1/tasks/999/status", json: #"{"status":"done"}"#, token: ada.access)
            #expect(refused.status.code >= 400)
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await app.sqlite.write { db in
                    LiveChangeLog.note(db, userID: 1, .tasks, taskIDs: [1])
                    throw Abort()
                }
            }
            #expect(published.all.isEmpty)
        }
    }

    /// A stream's end of the hub as a sequence: what its sink hears, finished by `.end`.
    struct Listener {
        let signals: AsyncStream<LiveSignal>
        let connection: LiveConnection

        init(_ hub: LocalEventHub, userID: Int64, expires: Date? = nil) {
            let (signals, continuation) = AsyncStream.makeStream(of: LiveSignal.self)
            self.signals = signals
            connection = hub.connect(userID: userID, expires: expires) { signal in
                if signal == .end { continuation.finish() } else { continuation.yield(signal) }
            }
        }
    }

    @Test func theHubRendersOncePerUserAndEndsTheOldestOfElevenStreams() async throws {
        let renders = Mutex(0)
        let hub = LocalEventHub { userID, changes in
            renders.withLock { $0 += 1 }
            return changes.map { LiveEvent(name: $0.topic.rawValue, data: #"{"user":\#(userID)}"#) }
        }
        let first = Listener(hub, userID: 1)
        var others = (0..<9).map { _ in Listener(hub, userID: 1) }
        let stranger = Listener(hub, userID: 2)
        #expect(hub.openStreams == 11)
        others.append(Listener(hub, userID: 1))
        var firstSignals: [LiveSignal] = []
        for await signal in first.signals { firstSignals.append(signal) }
        #expect(firstSignals.isEmpty, "the oldest of the user's streams ended for the eleventh")
        #expect(hub.openStreams == 11)

        hub.publish([LiveChange(userID: 1, topic: .timer), LiveChange(userID: 1, topic: .progress)])
        for listener in others {
            var iterator = listener.signals.makeAsyncIterator()
            #expect(await iterator.next() == .events([LiveEvent(name: "timer", data: #"{"user":1}"#), LiveEvent(name: "progress", data: #"{"user":1}"#)]))
        }
        #expect(renders.withLock { $0 } == 1, "rendered once for the user's ten streams")
        hub.publish([LiveChange(userID: 1, topic: .access)])
        var iterator = others[0].signals.makeAsyncIterator()
        #expect(await iterator.next() == .recheck)
        stranger.connection.close()
        others.forEach { $0.connection.close() }
        others[0].connection.close()
        #expect(hub.openStreams == 0, "closing is at once, and closing twice is harmless")
    }

    @Test func theHubEndsAStreamWhenItsTokenExpiresAndBeatsForTheRest() async throws {
        let clock = ManualClock()
        let hub = LocalEventHub(heartbeat: .seconds(1), clock: clock) { _, _ in [] }
        let expiring = Listener(hub, userID: 1, expires: clock.now.addingTimeInterval(60))
        let lasting = Listener(hub, userID: 1)
        clock.advance(by: 61)
        for await _ in expiring.signals {}
        var iterator = lasting.signals.makeAsyncIterator()
        #expect(await iterator.next() == .heartbeat)
        #expect(hub.openStreams == 1)
        lasting.connection.close()
    }
}
