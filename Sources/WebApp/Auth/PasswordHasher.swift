import Foundation
import Glibc
import NIOPosix
import Synchronization

/// Hashes and verifies passwords off the event loop: a thread pool with one thread per
/// core runs at most that many hashes at once, and a short queue in front of it answers
/// ``Overloaded`` (503) instead of letting logins pile up without bound. The pool's
/// threads run at a lower priority (nice 10) than the event loops, so a storm of logins
/// takes the CPU only when requests leave it idle: every other page stays fast.
final class PasswordHasher: Sendable {
    struct Overloaded: Error {}

    enum Verification: Equatable {
        case mismatch
        case match(needsRehash: Bool)
    }

    let parameters: Argon2Parameters
    private let pool: NIOThreadPool
    private let capacity: Int
    private let inFlight = Mutex(0)
    /// A hash of a random password, verified for unknown users so they cost the same time.
    private let decoy: String

    init(parameters: Argon2Parameters, threads: Int = ProcessInfo.processInfo.activeProcessorCount, queueLimit: Int) throws {
        self.parameters = parameters
        self.capacity = threads + queueLimit
        self.pool = NIOThreadPool(numberOfThreads: max(1, threads))
        self.decoy = try Argon2.hash(SecureRandom.token(), parameters: parameters)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        return try await run { try Argon2.hash(password, parameters: parameters) }
    }

    /// Verifies `password` against `encoded`, or against a decoy when there is no user,
    /// so an unknown username takes as long as a wrong password.
    func verify(_ password: String, against encoded: String?) async throws -> Verification {
        let target = encoded ?? decoy
        let matches = try await run { Argon2.verify(password, encoded: target) }
        guard matches, encoded != nil else { return .mismatch }
        return .match(needsRehash: Argon2.parameters(of: target) != parameters)
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = inFlight.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Overloaded() }
        defer { inFlight.withLock { $0 -= 1 } }
        return try await pool.runIfActive {
            Self.yieldToRequests()
            return try work()
        }
    }

    /// Lowers the calling thread's priority: on Linux the nice value belongs to each
    /// thread, and `who` 0 names the caller. A syscall of a microsecond before tens of
    /// milliseconds of hashing; failing (a container that forbids it) changes nothing else.
    private static func yieldToRequests() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }

    /// Where hashing runs, as its threads see it: their nice value, and whether they are an
    /// event loop's.
    func hashingThread() async throws -> (niceness: Int32, onEventLoop: Bool) {
        try await run { (getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), MultiThreadedEventLoopGroup.currentEventLoop != nil) }
    }

    static let niceness: Int32 = 10
}
