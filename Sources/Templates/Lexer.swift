/// One piece of template source: static text, an `{{ output }}` or a `{% tag %}`.
/// Comments (`{# … #}`) are dropped here.
enum Segment: Equatable {
    case text(String, SourceLocation)
    case output(String, SourceLocation)
    case tag(String, SourceLocation)
}

/// Splits template source into segments, tracking line and column (in Unicode scalars).
struct Lexer {
    private let name: String
    private let bytes: [UInt8]
    private let sources: SourceLines
    private var index = 0
    private var line = 1
    private var column = 1

    init(name: String, source: String, sources: SourceLines) {
        self.name = name
        self.bytes = Array(source.utf8)
        self.sources = sources
    }

    mutating func segments() throws(TemplateError) -> [Segment] {
        var result: [Segment] = []
        var textStart = index
        var textLocation = location
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count,
                let closer = Self.closer(for: bytes[index + 1])
            {
                if textStart < index {
                    result.append(.text(string(textStart..<index), textLocation))
                }
                let open = location
                advance(by: 2)
                let innerStart = index
                let innerLocation = location
                guard let innerEnd = findCloser(closer) else {
                    throw sources.error(.syntax, "unclosed '{\(Character(UnicodeScalar(bytes[innerStart - 1])))'", at: open)
                }
                let inner = string(innerStart..<innerEnd)
                switch bytes[innerStart - 1] {
                case UInt8(ascii: "{"): result.append(.output(inner, innerLocation))
                case UInt8(ascii: "%"): result.append(.tag(inner, innerLocation))
                default: break
                }
                while index < innerEnd + 2 { advance(by: 1) }
                textStart = index
                textLocation = location
            } else {
                advance(by: 1)
            }
        }
        if textStart < bytes.count {
            result.append(.text(string(textStart..<bytes.count), textLocation))
        }
        return result
    }

    private static func closer(for byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "{"): UInt8(ascii: "}")
        case UInt8(ascii: "%"): UInt8(ascii: "%")
        case UInt8(ascii: "#"): UInt8(ascii: "#")
        default: nil
        }
    }

    /// Finds `closer}` from the current index, skipping string literals inside outputs and tags.
    private func findCloser(_ closer: UInt8) -> Int? {
        var i = index
        var quote: UInt8?
        let isComment = closer == UInt8(ascii: "#")
        while i + 1 < bytes.count {
            let byte = bytes[i]
            if let open = quote {
                if byte == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if byte == open { quote = nil }
            } else if !isComment && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) {
                quote = byte
            } else if byte == closer && bytes[i + 1] == UInt8(ascii: "}") {
                return i
            }
            i += 1
        }
        return nil
    }

    private var location: SourceLocation { SourceLocation(template: name, line: line, column: column) }

    private mutating func advance(by count: Int) {
        for _ in 0..<count where index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
