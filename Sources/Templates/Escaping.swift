/// Byte-wise escaping into the output buffer, with a fast path for text that needs none.
enum Escaping {
    private static let amp: StaticString = "&amp;"
    private static let lt: StaticString = "&lt;"
    private static let gt: StaticString = "&gt;"
    private static let quot: StaticString = "&#34;"
    private static let apos: StaticString = "&#39;"

    /// Escapes `& < > " '` so the text is safe in element text and quoted attributes.
    static func appendHTML(_ string: String, to out: inout RenderBuffer) {
        var string = string
        string.withUTF8 { appendHTML($0, to: &out) }
    }

    /// Text is checked eight bytes at a time (most of it needs no escaping); a word with a
    /// special byte is walked byte by byte.
    static func appendHTML(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout RenderBuffer) {
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var runStart = 0
        var index = 0
        while index < count {
            if index + 8 <= count, !mayNeedEscaping(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let end = min(index + 8, count)
            while index < end {
                if let replacement = replacement(for: base[index]) {
                    if runStart < index { out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                    out.append(UnsafeRawBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                    runStart = index + 1
                }
                index += 1
            }
        }
        if runStart < count { out.append(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    @inline(__always)
    private static func replacement(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): amp
        case UInt8(ascii: "<"): lt
        case UInt8(ascii: ">"): gt
        case UInt8(ascii: "\""): quot
        case UInt8(ascii: "'"): apos
        default: nil
        }
    }

    /// Whether any of the eight bytes is `& < > " '` (exact: a zero byte of `word ^ c…c`
    /// marks a byte equal to `c`).
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        @inline(__always) func hasZeroByte(_ value: UInt64) -> UInt64 {
            (value &- 0x0101_0101_0101_0101) & ~value & 0x8080_8080_8080_8080
        }
        let found = hasZeroByte(word ^ 0x2626_2626_2626_2626) | hasZeroByte(word ^ 0x3C3C_3C3C_3C3C_3C3C)
            | hasZeroByte(word ^ 0x3E3E_3E3E_3E3E_3E3E) | hasZeroByte(word ^ 0x2222_2222_2222_2222) | hasZeroByte(word ^ 0x2727_2727_2727_2727)
        return found != 0
    }

    /// What an unsafe URL becomes: a harmless fragment link.
    static let blockedURL = "#blocked-url"

    /// Whether a URL may be written into a URL attribute: relative URLs and the schemes
    /// http, https, mailto and tel. Browsers drop tabs and newlines anywhere in a URL and
    /// leading control characters and spaces, so the scheme is read the same way.
    static func isSafeURL(_ url: String) -> Bool {
        var scheme: [UInt8] = []
        var started = false
        for byte in url.utf8 {
            if byte == 0x09 || byte == 0x0A || byte == 0x0D { continue }
            if !started && byte <= 0x20 { continue }
            started = true
            switch byte {
            case UInt8(ascii: ":"):
                let name = String(decoding: scheme, as: UTF8.self)
                return ["http", "https", "mailto", "tel"].contains(name)
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"):
                return true
            default:
                scheme.append(byte.asciiLowercased)
            }
        }
        return true
    }

    /// JSON text that is safe inside `<script type="application/json">` and HTML:
    /// `<`, `>`, `&`, `'`, U+2028 and U+2029 become `\u` escapes.
    static func appendJSONString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: Array("\\\"".utf8))
            case "\\": out.append(contentsOf: Array("\\\\".utf8))
            case "\n": out.append(contentsOf: Array("\\n".utf8))
            case "\r": out.append(contentsOf: Array("\\r".utf8))
            case "\t": out.append(contentsOf: Array("\\t".utf8))
            case "<", ">", "&", "'", "\u{2028}", "\u{2029}":
                appendUnicodeEscape(scalar.value, to: &out)
            default:
                if scalar.value < 0x20 {
                    appendUnicodeEscape(scalar.value, to: &out)
                } else {
                    out.append(contentsOf: Array(String(scalar).utf8))
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hex[Int((value >> UInt32(shift)) & 0xF)])
        }
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    static func urlEncode(_ string: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
