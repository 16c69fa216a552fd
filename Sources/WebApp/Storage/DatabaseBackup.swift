import Foundation
import GRDB

/// `focusquest backup PATH`: a consistent copy of the database while the server runs.
///
/// SQLite's online backup copies the pages of one read transaction, so the copy is the
/// database as it was at one moment even while requests keep writing (WAL mode lets both
/// go on). The copy is written under a temporary name beside the destination, switched
/// to a single file (no `-wal` beside it), checked with `PRAGMA quick_check`, and only
/// then renamed into place: a file at `PATH` is always a whole, valid backup. An existing
/// file is never overwritten.
enum DatabaseBackup {
    struct Report: Sendable {
        let path: String
        let bytes: Int
        let users: Int
    }

    enum Failure: Error, CustomStringConvertible {
        case sourceMissing(String)
        case destinationExists(String)
        case destinationFolderMissing(String)
        case damaged(String)

        var description: String {
            switch self {
            case .sourceMissing(let path): "there is no database at \(path)"
            case .destinationExists(let path): "\(path) already exists; choose a new name (backups are never overwritten)"
            case .destinationFolderMissing(let path): "the folder \(path) does not exist"
            case .damaged(let result): "the copy failed its integrity check (\(result)); the database was not changed"
            }
        }
    }

    /// Copies `database` to `destination`; `progress` gets (pages copied, pages in all).
    static func copy(_ database: AppDatabase, to destination: String, progress: @escaping (Int, Int) -> Void) throws -> Report {
        let files = FileManager.default
        let target = URL(fileURLWithPath: destination)
        guard !files.fileExists(atPath: target.path) else { throw Failure.destinationExists(target.path) }
        let folder = target.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure.destinationFolderMissing(folder.path)
        }
        let partial = folder.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            let copy = try DatabaseQueue(path: partial.path)
            try database.pool.backup(to: copy, pagesPerStep: 256) { step in
                progress(step.completedPageCount, step.totalPageCount)
            }
            let (check, users) = try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return (
                    try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "no answer",
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0
                )
            }
            try copy.close()
            guard check == "ok" else { throw Failure.damaged(check) }
            try files.moveItem(at: partial, to: target)
            let bytes = (try files.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
            return Report(path: target.path, bytes: bytes, users: users)
        } catch {
            // Best effort: the error that stopped the backup is the one to report.
            for suffix in ["", "-wal", "-shm", "-journal"] { try? files.removeItem(atPath: partial.path + suffix) }
            throw error
        }
    }
}
