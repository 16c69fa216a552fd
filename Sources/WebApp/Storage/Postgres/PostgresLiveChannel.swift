import Foundation
import Logging
import PostgresNIO

/// Live changes between instances (SPEC §12, §14): a write transaction's changes go out
/// with `pg_notify` inside the transaction, so PostgreSQL delivers them only if it
/// commits, in commit order, to every instance listening on ``name``. The writing instance
/// has already published them to its own streams (no round trip), so each message names
/// its instance and that instance skips it.
///
/// A message is text: a first line with the instance and the browser window that made the
/// change (`-` for none), then one line per change: user id, topic, and the changed task
/// ids, comma-separated. PostgreSQL caps a payload at 8,000 bytes; a larger batch goes as
/// several messages.
struct PostgresLiveChannel: Sendable {
    static let name = "focusquest_live"
    static let payloadLimit = 7_900

    /// This instance, as its messages name it.
    let instance = UUID().uuidString

    /// The messages that carry `changes` (none for none).
    func messages(_ changes: [LiveChange], origin: String?) -> [String] {
        guard !changes.isEmpty else { return [] }
        let header = "\(instance) \(origin ?? "-")"
        var messages: [String] = []
        var current = header
        for change in changes {
            for line in Self.lines(change, room: Self.payloadLimit - header.utf8.count - 1) {
                if current.utf8.count + 1 + line.utf8.count > Self.payloadLimit {
                    messages.append(current)
                    current = header
                }
                current += "\n" + line
            }
        }
        messages.append(current)
        return messages
    }

    /// A change as lines of at most `room` bytes: one, unless its task ids need more.
    private static func lines(_ change: LiveChange, room: Int) -> [String] {
        let prefix = "\(change.userID) \(change.topic.rawValue) "
        var lines: [String] = []
        var ids = ""
        for id in change.taskIDs {
            let text = String(id)
            if prefix.utf8.count + ids.utf8.count + 1 + text.utf8.count > room {
                lines.append(prefix + ids)
                ids = ""
            }
            ids += ids.isEmpty ? text : "," + text
        }
        lines.append(prefix + ids)
        return lines
    }

    /// The changes another instance sent, with their origin; nil for this instance's own
    /// messages and for text that is not a message.
    func changes(in payload: String) -> [LiveChange]? {
        var lines = payload.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let header = lines.popFirst()?.split(separator: " "), header.count == 2, header[0] != instance else { return nil }
        let origin = header[1] == "-" ? nil : String(header[1])
        var changes: [LiveChange] = []
        for line in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, let userID = Int64(fields[0]), let topic = LiveTopic(rawValue: String(fields[1])) else { return nil }
            let ids = fields[2].split(separator: ",").compactMap { Int64($0) }
            changes.append(LiveChange(userID: userID, topic: topic, taskIDs: ids, origin: origin))
        }
        return changes
    }
}

extension PostgresStore {
    /// Listens for other instances' changes and publishes them to this one's streams, until
    /// the calling task is cancelled; a lost connection is replaced after a short wait
    /// (changes made meanwhile reach pages at their next refresh or reconnect).
    func listenForLiveChanges() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresLiveChannel.name) { notifications in
                        for try await notification in notifications {
                            if let changes = live.changes(in: notification.payload), !changes.isEmpty { liveChanges.publish(changes) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("live changes: listening failed, trying again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))  // safe: cancelled means stop, which the loop's condition sees
        }
    }
}
