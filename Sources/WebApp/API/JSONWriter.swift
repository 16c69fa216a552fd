import Domain
import Foundation

/// A type the API writes straight into bytes with ``JSONWriter``.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values and converts every key at
/// run time; for the task list that was half of the request's CPU. Hot responses write
/// themselves instead, keys in sorted order so the bytes equal what `JSONEncoder` with
/// `.sortedKeys` produced before (a test compares them).
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// Appends JSON (RFC 8259) to a byte buffer: objects, arrays, strings escaped as
/// `JSONEncoder` escapes them (quote, backslash and control characters; `/` stays as is).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    static func encode(_ value: some JSONWritable, capacity: Int = 1024) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        value.write(to: &writer)
        return writer.bytes
    }

    /// An object whose members `body` writes with the `field` methods.
    mutating func object(_ body: (inout JSONWriter) -> Void) {
        let outer = first
        bytes.append(UInt8(ascii: "{"))
        first = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        first = outer
    }

    mutating func array<Element>(_ elements: [Element], _ writeElement: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeElement(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts a member: the separator, then `"key":`.
    mutating func key(_ key: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ key: StaticString, _ value: String?) {
        self.key(key)
        if let value { string(value) } else { null() }
    }

    mutating func field(_ key: StaticString, _ value: Int64?) {
        self.key(key)
        if let value { integer(value) } else { null() }
    }

    mutating func field(_ key: StaticString, _ value: Int?) {
        field(key, value.map(Int64.init))
    }

    mutating func field(_ key: StaticString, _ value: Date?) {
        self.key(key)
        if let value { date(value) } else { null() }
    }

    mutating func field(_ key: StaticString, _ value: Bool) {
        self.key(key)
        let literal: StaticString = value ? "true" : "false"
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Bytes written as they are (punctuation of a document written in parts, or JSON
    /// text already valid).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ json: Data) {
        bytes.append(contentsOf: json)
    }

    /// Like ``date(_:)``, with milliseconds when the instant has any (exports keep what
    /// is stored); `null` for nil.
    mutating func preciseDate(_ value: Date?) {
        guard let value else { return null() }
        let milliseconds = Int((value.timeIntervalSince1970 * 1000).rounded())
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        guard fraction != 0 else { return date(Date(timeIntervalSince1970: Double((milliseconds - fraction) / 1000))) }
        date(Date(timeIntervalSince1970: Double((milliseconds - fraction) / 1000)))
        bytes.removeLast(2)
        bytes.append(UInt8(ascii: "."))
        digits(fraction, 3)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    /// `"YYYY-MM-DDTHH:MM:SSZ"` (whole seconds, UTC), as ``RFC3339/string(_:)`` writes it.
    mutating func date(_ value: Date) {
        let seconds = Int(value.timeIntervalSince1970.rounded(.down))
        let dayNumber = Int((Double(seconds) / 86_400).rounded(.down))
        let (year, month, day) = LocalDate(dayNumber: dayNumber).components
        let second = seconds - dayNumber * 86_400
        bytes.append(UInt8(ascii: "\""))
        if year < 0 || year > 9999 {
            bytes.append(contentsOf: RFC3339.string(value).utf8)
        } else {
            digits(year, 4)
            bytes.append(UInt8(ascii: "-"))
            digits(month, 2)
            bytes.append(UInt8(ascii: "-"))
            digits(day, 2)
            bytes.append(UInt8(ascii: "T"))
            digits(second / 3600, 2)
            bytes.append(UInt8(ascii: ":"))
            digits(second / 60 % 60, 2)
            bytes.append(UInt8(ascii: ":"))
            digits(second % 60, 2)
            bytes.append(UInt8(ascii: "Z"))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `value` in exactly `width` digits, zero-padded (0 ≤ value < 10^width).
    private mutating func digits(_ value: Int, _ width: Int) {
        var value = value
        let end = bytes.count + width
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var index = end
        while value > 0 {
            index -= 1
            bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }

    mutating func null() {
        let literal: StaticString = "null"
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
