import NIOCore
import Synchronization

/// Runs jobs at most `width` at a time, in arrival order; the others wait as closures,
/// not as tasks. The event streams are admitted through one: a storm of reconnections
/// (every client after a restart) reads tokens and first states a few at a time instead
/// of holding a task and its memory for each waiting stream.
final class AdmissionLine: Sendable {
    typealias Job = @Sendable () async -> Void

    let width: Int
    private let state = Mutex<(running: Int, waiting: CircularBuffer<Job>)>((0, []))

    init(width: Int) {
        precondition(width > 0)
        self.width = width
    }

    /// Runs `job` now if a place is free, else when one frees.
    func enqueue(_ job: @escaping Job) {
        let startsNow = state.withLock { state -> Bool in
            guard state.running < width else {
                state.waiting.append(job)
                return false
            }
            state.running += 1
            return true
        }
        guard startsNow else { return }
        Task {
            var next: Job? = job
            while let current = next {
                await current()
                next = state.withLock { state in
                    if let waiting = state.waiting.popFirst() { return waiting }
                    state.running -= 1
                    return nil
                }
            }
        }
    }

    /// Jobs waiting for a place (for tests).
    var waiting: Int { state.withLock { $0.waiting.count } }
}
