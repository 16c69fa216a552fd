import Synchronization

/// The bytes a render writes: one growing allocation, appended to with a capacity check
/// and a copy.
///
/// A render makes over a thousand small appends (a page is static text and values a few
/// bytes each). `[UInt8]` pays a uniqueness check and a call into its generic append for
/// each; profiles showed that as a tenth of rendering. The buffer cannot be copied, so
/// its memory has exactly one owner; it goes back to its ``RenderBufferPool`` with it,
/// so a server renders into warm memory that already has the size of
/// its pages instead of growing a new allocation for each.
struct RenderBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0
    private let pool: RenderBufferPool

    init(from pool: RenderBufferPool) {
        (base, capacity) = pool.take()
        self.pool = pool
    }

    deinit { pool.give(base, capacity: capacity) }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(toFit: count + bytes.count) }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(bytes))
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toFit: count + 1) }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    /// The bytes written so far, for the caller to copy where they go.
    func withBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    var bytes: [UInt8] {
        withBytes { Array($0) }
    }

    private mutating func grow(toFit needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}

/// Render buffers' memory kept between renders: a few, of at most 1 MiB each, for as
/// many renders as run at once.
final class RenderBufferPool: Sendable {
    private struct Allocation {
        // safe: an allocation is in the pool only while no buffer uses it; the mutex hands it to one buffer at a time.
        nonisolated(unsafe) let base: UnsafeMutableRawPointer
        let capacity: Int
    }

    private let idle = Mutex<[Allocation]>([])
    private let initialCapacity: Int
    private static let keptCount = 16
    private static let keptCapacity = 1 << 20

    init(initialCapacity: Int) {
        self.initialCapacity = max(initialCapacity, 1)
    }

    deinit {
        for allocation in idle.withLock({ $0 }) { allocation.base.deallocate() }
    }

    fileprivate func take() -> (UnsafeMutableRawPointer, Int) {
        if let allocation = idle.withLock({ $0.popLast() }) { return (allocation.base, allocation.capacity) }
        return (.allocate(byteCount: initialCapacity, alignment: 1), initialCapacity)
    }

    fileprivate func give(_ base: UnsafeMutableRawPointer, capacity: Int) {
        let kept = capacity <= Self.keptCapacity && idle.withLock { idle in
            guard idle.count < Self.keptCount else { return false }
            idle.append(Allocation(base: base, capacity: capacity))
            return true
        }
        if !kept { base.deallocate() }
    }
}
