import Domain
import Foundation
import Synchronization

/// One Server-Sent Event, ready to write: its name and JSON data.
struct LiveEvent: Sendable, Equatable {
    let name: String
    let data: String

    /// The event as it goes on the wire (`event:` and one `data:` line; JSON has no newlines).
    var wire: String { "event: \(name)\ndata: \(data)\n\n" }
}

/// What a stream hears from the hub.
enum LiveSignal: Sendable, Equatable {
    case events([LiveEvent])
    /// The user's access changed (sign-out everywhere, a revoked session or token, a
    /// disabled account): the stream checks its token again.
    case recheck
    /// Time for the keep-alive comment.
    case heartbeat
    /// The hub ended the stream: the user opened an eleventh, or its token expired. Nothing
    /// follows it.
    case end
}

/// Where the hub hands one stream's signals: called from the hub's own tasks, in order.
/// An event stream's channel handler hops them onto its event loop; nothing waits on a
/// stream, so an open stream costs no task (SPEC §12: thousands stay open).
typealias LiveSink = @Sendable (LiveSignal) -> Void

/// Fans out committed changes to the open event streams of their users (SPEC §12), at
/// most ``streamLimit`` per user (the oldest is closed for a new one). This is the
/// interface the streams see; ``LocalEventHub`` serves one process, and a backend shared
/// by several instances can publish the same `LiveChange`s to every instance's hub (the
/// PostgreSQL backend with `LISTEN/NOTIFY`).
protocol EventHub: Sendable {
    /// A new stream of the user's signals, handed to `sink` until the stream's
    /// connection closes it or the hub ends it (``LiveSignal/end``; at the latest at
    /// `expires`, its token's expiry).
    func connect(userID: Int64, expires: Date?, sink: @escaping LiveSink) -> LiveConnection
    /// Committed changes, from any write path (delivered in order, off the caller's path).
    func publish(_ changes: [LiveChange])
    /// Open streams, all users (for `/metrics` and tests).
    var openStreams: Int { get }
}

/// A stream's way to leave the hub (closing twice, or after the hub ended it, is harmless).
struct LiveConnection: Sendable {
    let close: @Sendable () -> Void
}

/// The in-process hub. Each batch of changes is rendered once per user (`render`: the
/// events the topics make, read from the database as they are now) and handed to every
/// stream of that user. One ticker for all streams sends the heartbeats and ends streams
/// whose token expired (a task per stream would wake thousands of times a second).
final class LocalEventHub: EventHub {
    static let streamLimit = 10

    private struct Subscriber {
        let id: UInt64
        let sink: LiveSink
        let expires: Date?
    }

    private let render: @Sendable (_ userID: Int64, _ changes: [LiveChange]) async -> [LiveEvent]
    private let subscribers = Mutex<(next: UInt64, byUser: [Int64: [Subscriber]])>((0, [:]))
    private let batches: AsyncStream<[LiveChange]>.Continuation
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// Batches are delivered one after another by a task of the hub's own, so streams see
    /// changes in commit order and a writer never waits for rendering.
    init(
        heartbeat: Duration = .seconds(25), clock: any WallClock = SystemClock(),
        render: @escaping @Sendable (_ userID: Int64, _ changes: [LiveChange]) async -> [LiveEvent]
    ) {
        self.render = render
        let (stream, continuation) = AsyncStream.makeStream(of: [LiveChange].self)
        batches = continuation
        Task { [weak self] in
            for await batch in stream {
                guard let self else { return }
                await self.deliver(batch)
            }
        }
        ticker.withLock {
            $0 = Task { [weak self] in
                var sinceBeat = Duration.zero
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    sinceBeat += .seconds(1)
                    let beat = sinceBeat >= heartbeat
                    if beat { sinceBeat = .zero }
                    guard let self else { return }
                    self.tick(now: clock.now, heartbeat: beat)
                }
            }
        }
    }

    deinit {
        batches.finish()
        ticker.withLock { $0?.cancel() }
    }

    var openStreams: Int { subscribers.withLock { $0.byUser.values.reduce(0) { $0 + $1.count } } }

    func connect(userID: Int64, expires: Date? = nil, sink: @escaping LiveSink) -> LiveConnection {
        let (id, evicted) = subscribers.withLock { state -> (UInt64, Subscriber?) in
            state.next += 1
            var list = state.byUser[userID, default: []]
            let evicted = list.count >= Self.streamLimit ? list.removeFirst() : nil
            list.append(Subscriber(id: state.next, sink: sink, expires: expires))
            state.byUser[userID] = list
            return (state.next, evicted)
        }
        evicted?.sink(.end)
        return LiveConnection(close: { [weak self] in self?.remove(userID: userID, id: id) })
    }

    func publish(_ changes: [LiveChange]) {
        batches.yield(changes)
    }

    private func deliver(_ changes: [LiveChange]) async {
        for (userID, own) in Dictionary(grouping: changes, by: \.userID) {
            let listening = subscribers.withLock { $0.byUser[userID] ?? [] }
            guard !listening.isEmpty else { continue }
            if own.contains(where: { $0.topic == .access }) {
                for subscriber in listening { subscriber.sink(.recheck) }
            }
            let events = await render(userID, own)
            guard !events.isEmpty else { continue }
            for subscriber in listening { subscriber.sink(.events(events)) }
        }
    }

    /// Every second: streams past their token's expiry end; every heartbeat, the others
    /// get one.
    private func tick(now: Date, heartbeat: Bool) {
        let all = subscribers.withLock { $0.byUser.flatMap { user in user.value.map { (user.key, $0) } } }
        for (userID, subscriber) in all {
            if let expires = subscriber.expires, now >= expires {
                remove(userID: userID, id: subscriber.id)
                subscriber.sink(.end)
            } else if heartbeat {
                subscriber.sink(.heartbeat)
            }
        }
    }

    private func remove(userID: Int64, id: UInt64) {
        subscribers.withLock { state in
            state.byUser[userID]?.removeAll { $0.id == id }
            if state.byUser[userID]?.isEmpty == true { state.byUser[userID] = nil }
        }
    }
}
