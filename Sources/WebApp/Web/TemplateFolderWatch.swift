import Foundation
import Synchronization

/// Tells a development server when a template file was added, removed or changed, by
/// comparing each `.html` file's modification time and size with the last look. Looks
/// at most once per `interval`, so a page costs a few `stat` calls at most, not a rebuild.
final class TemplateFolderWatch: Sendable {
    private struct State {
        var fingerprint: [String: [Double]]
        var lookedAt: ContinuousClock.Instant
        var reloads = 0
    }

    private let directory: URL
    private let interval: Duration
    private let state: Mutex<State>

    init(directory: URL, interval: Duration) {
        self.directory = directory
        self.interval = interval
        state = Mutex(State(fingerprint: Self.fingerprint(of: directory), lookedAt: .now))
    }

    var reloads: Int { state.withLock { $0.reloads } }

    /// Whether a template changed since the last call that said so.
    func changed() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard now - state.lookedAt >= interval else { return false }
            state.lookedAt = now
            let fresh = Self.fingerprint(of: directory)
            guard fresh != state.fingerprint else { return false }
            state.fingerprint = fresh
            state.reloads += 1
            return true
        }
    }

    private static func fingerprint(of directory: URL) -> [String: [Double]] {
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey]
        guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys) else { return [:] }
        var fingerprint: [String: [Double]] = [:]
        for case let file as URL in files where file.pathExtension == "html" {
            let values = try? file.resourceValues(forKeys: Set(keys))
            fingerprint[file.path] = [values?.contentModificationDate?.timeIntervalSince1970 ?? 0, Double(values?.fileSize ?? 0)]
        }
        return fingerprint
    }
}
