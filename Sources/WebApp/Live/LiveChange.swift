import GRDB
import Synchronization

/// What changed for a user, as the live streams of SPEC §12 name it. `access` is not
/// sent: it tells the user's streams to check their token again (a sign-out everywhere,
/// a revoked session or token, a disabled account).
enum LiveTopic: String, Sendable, Hashable, CaseIterable {
    case timer, tasks, progress, friends, access
}

/// One change, noted inside the transaction that made it.
struct LiveChange: Sendable, Equatable {
    let userID: Int64
    let topic: LiveTopic
    /// For `tasks`: the changed tasks' ids.
    var taskIDs: [Int64] = []
    /// The browser window whose request made it (see ``LiveOrigin``), if any.
    var origin: String?
}

/// The page window a request comes from: the page script names its window in the
/// `FQ-Window` header, and events carry it back as `by`, so the window that made a change
/// (which already shows it) does not fetch its panels again.
enum LiveOrigin {
    @TaskLocal static var window: String?

    /// A window name as the script makes them (base64url, 16–64 characters), else nil.
    static func validated(_ raw: String?) -> String? {
        guard let raw, raw.utf8.count <= 64 else { return nil }
        return raw.nilIfInvalidToken
    }
}

/// The changes of the write transaction running on a connection. Storage code notes what
/// it changed (`note`), beside the facts themselves, like the webhook outbox;
/// ``AppDatabase/write(_:)`` takes them when the transaction body ends and publishes them
/// once the commit is done — the one place live events leave the storage layer. A
/// rolled-back transaction publishes nothing.
enum LiveChangeLog {
    /// The open buffer of each writing connection (one writer per database file; tests
    /// run many databases at once).
    private static let buffers = Mutex<[ObjectIdentifier: [LiveChange]]>([:])

    /// Notes a change of the transaction running on `db`; outside a transaction that
    /// ``collecting(_:_:)`` opened (migrations, the seeder) it is dropped.
    static func note(_ db: Database, userID: Int64, _ topic: LiveTopic, taskIDs: [Int64] = []) {
        buffers.withLock { $0[ObjectIdentifier(db)]?.append(LiveChange(userID: userID, topic: topic, taskIDs: taskIDs)) }
    }

    /// Runs a transaction's body with its buffer open: the body's result and the changes
    /// it noted (none when it throws).
    static func collecting<T>(_ db: Database, _ work: () throws -> T) throws -> (T, [LiveChange]) {
        buffers.withLock { $0[ObjectIdentifier(db)] = [] }
        defer { buffers.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(db)) } }
        let result = try work()
        return (result, buffers.withLock { $0[ObjectIdentifier(db)] ?? [] })
    }
}

/// Where committed changes go: listeners (the event hub) get every batch, in commit order
/// per database.
final class LiveChangeFeed: Sendable {
    private let listeners = Mutex<[@Sendable ([LiveChange]) -> Void]>([])

    func listen(_ listener: @escaping @Sendable ([LiveChange]) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// `origin`: the window whose request made the changes, stamped on each.
    func publish(_ changes: [LiveChange], origin: String? = nil) {
        let stamped = origin.map { origin in changes.map { var change = $0; change.origin = origin; return change } } ?? changes
        for listener in listeners.withLock({ $0 }) { listener(stamped) }
    }
}
