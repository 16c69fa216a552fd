import Glibc
import NIOCore
import Synchronization

/// Caps the open connections of the whole server. Each connection's pipeline gets one
/// handler that counts it while it is open; a connection arriving past the cap is closed
/// at once, before it holds a descriptor for long. Together with the idle timeout this
/// keeps silent or half-sent connections from taking every descriptor.
final class ConnectionGuard: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)
    private let refusedTotal = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    var refused: Int { refusedTotal.load(ordering: .relaxed) }

    /// The default cap: the process's descriptor limit less room for the database, logs
    /// and outgoing connections, and never more than 10,000.
    static var defaultLimit: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1000 }
        let descriptors = Int(clamping: limit.rlim_cur)  // RLIM_INFINITY clamps to Int.max
        return min(10_000, max(16, descriptors - 64))
    }

    /// The handler that counts one connection.
    func handler() -> Counter { Counter(guardian: self) }

    fileprivate func admit() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        refusedTotal.wrappingAdd(1, ordering: .relaxed)
        return false
    }

    fileprivate func release() { open.wrappingSubtract(1, ordering: .relaxed) }

    /// Counts its connection from when it is added until the channel closes.
    final class Counter: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        private let guardian: ConnectionGuard
        private var counted = false

        fileprivate init(guardian: ConnectionGuard) { self.guardian = guardian }

        func handlerAdded(context: ChannelHandlerContext) {
            if guardian.admit() {
                counted = true
            } else {
                context.close(promise: nil)
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if counted {
                counted = false
                guardian.release()
            }
        }
    }
}
