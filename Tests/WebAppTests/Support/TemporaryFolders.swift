import Foundation
import Synchronization

/// Fresh folders for the tests' databases and files, removed when the test process exits
/// (not earlier: a test's database may be in use until its last statement).
enum TemporaryFolders {
    private static let made = Mutex<[URL]>([])
    private static let removedAtExit: Void = { atexit { TemporaryFolders.removeAll() } }()

    /// A new, unique folder's address under the system's temporary folder (`prefix-UUID`);
    /// the caller creates it (or lets SQLite's parent creation do it).
    static func new(_ prefix: String) -> URL {
        _ = removedAtExit
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        made.withLock { $0.append(folder) }
        return folder
    }

    private static func removeAll() {
        for folder in made.withLock({ $0 }) {
            // safe: a folder already gone, or one a test still holds open, is nothing to report at exit
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
