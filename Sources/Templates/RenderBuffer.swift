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
        Self.copy(bytes.count, from: source, to: base + count)
        count += bytes.count
    }

    /// Most pieces of a page are a few bytes (`" y="`, a number, `</title></rect>`): up to
    /// 32 they are copied as (overlapping) words, which costs less than a call to memmove.
    @inline(__always)
    private static func copy(_ length: Int, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        @inline(__always) func word(_ offset: Int) {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
        }
        switch length {
        case 0..<4:
            for index in 0..<length {
                destination.storeBytes(of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self)
            }
        case 4..<8:
            destination.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), toByteOffset: length - 4, as: UInt32.self)
        case 8...16:
            word(0)
            word(length - 8)
        case 17...32:
            word(0)
            word(8)
            word(length - 16)
            word(length - 8)
        default:
            destination.copyMemory(from: source, byteCount: length)
        }
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

    /// The decimal digits of `number` (and its sign), written in place.
    mutating func appendDecimal(_ number: Int) {
        if count + 20 > capacity { grow(toFit: count + 20) }
        if number < 0 {
            base.storeBytes(of: UInt8(ascii: "-"), toByteOffset: count, as: UInt8.self)
            count += 1
        }
        var magnitude = number.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var index = count + digits
        repeat {
            index -= 1
            base.storeBytes(of: UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10), toByteOffset: index, as: UInt8.self)
            magnitude /= 10
        } while magnitude > 0
        count += digits
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
