import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import WebApp

extension Backend {
    /// The backend the HTTP suites' apps run on: SQLite, or PostgreSQL when
    /// `TEST_BACKEND=postgres` (`make test` runs those suites once on each; SPEC §14).
    static let underTest: Backend = ProcessInfo.processInfo.environment["TEST_BACKEND"] == "postgres" ? .postgres : .sqlite
}

extension Trait where Self == ClosingTestApps {
    /// Every test of the suite closes the apps it made (``TestApp/make(on:_:folder:clock:trace:)``)
    /// when it ends: on PostgreSQL their pools and listeners, then their databases.
    static var closingTestApps: ClosingTestApps { ClosingTestApps() }
}

extension Trait where Self == ConditionTrait {
    /// The suite holds both backends to one contract itself (``Backend/available``): it runs
    /// in the SQLite pass only.
    static var coversBothBackends: ConditionTrait {
        .enabled(if: Backend.underTest == .sqlite, "runs each backend itself, in the SQLite pass")
    }


    /// The test reads or writes SQLite's rows or file itself: it runs only when the HTTP
    /// suites run on SQLite (the PostgreSQL run skips it; the contract suites hold
    /// PostgreSQL's storage to the same rules).
    static var sqliteOnly: ConditionTrait {
        .enabled(if: Backend.underTest == .sqlite, "reads SQLite's own rows or file")
    }
}

/// See ``Trait/closingTestApps``.
struct ClosingTestApps: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> ClosingTestApps? {
        testCase == nil ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard Backend.underTest == .postgres else { return try await OpenedTestApps.scope { _ in try await function() } }
        await Self.turns.take()
        try await using((), closing: { _ in await Self.turns.give() }) { _ in
            try await OpenedTestApps.scope { _ in try await function() }
        }
    }

    /// On PostgreSQL at most this many tests run at once (each app holds a few connections;
    /// the throwaway server allows 400).
    private static let turns = Turns(16)
}

/// A counting semaphore for tasks: ``take()`` waits while all turns are taken.
actor Turns {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func take() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

/// The PostgreSQL-backed apps of one test, to close after it (each holds a pool and a
/// listening connection, which would otherwise outlive the test up to the server's
/// connection limit), and their databases, to drop.
final class OpenedTestApps: Sendable {
    @TaskLocal static var current: OpenedTestApps?

    private let storages = Mutex<[any AppStorage]>([])
    /// The database of each app folder, in the order made (a test that starts an app again
    /// on the same folder finds the same data, as SQLite's file would).
    private let databaseURLs = Mutex<[(folder: String?, url: String)]>([])

    /// `body` with the apps it opens closed after it, whatever happens.
    static func scope<Result>(_ body: (OpenedTestApps) async throws -> Result) async throws -> Result {
        try await using(OpenedTestApps(), closing: { try await $0.close() }) { opened in
            try await $current.withValue(opened) { try await body(opened) }
        }
    }

    func add(_ storage: any AppStorage) {
        storages.withLock { $0.append(storage) }
    }

    /// A new database to drop afterwards, or the one made before for `folder`.
    func databaseURL(for folder: URL?) async throws -> String {
        if let folder, let url = databaseURLs.withLock({ $0.first { $0.folder == folder.path }?.url }) { return url }
        let url = try await TestPostgres.freshDatabaseURL()
        databaseURLs.withLock { $0.append((folder?.path, url)) }
        return url
    }

    private func close() async throws {
        for storage in storages.withLock({ $0 }) { try await storage.shutdown() }
        for database in databaseURLs.withLock({ $0 }) { try await TestPostgres.dropDatabase(database.url) }
    }
}
