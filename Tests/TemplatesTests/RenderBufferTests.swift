import Testing

@testable import Templates

@Suite struct RenderBufferTests {
    /// Random pieces appended across many growths hold exactly what an array would.
    @Test(arguments: [1, 2, 3, 4, 5])
    func appendsMatchAnArray(seed: UInt64) {
        var random = EscapingPropertyTests.SeededGenerator(state: seed)
        var model: [UInt8] = []
        var buffer = RenderBuffer(from: RenderBufferPool(initialCapacity: 1))
        for _ in 0..<500 {
            let piece = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if piece.count == 1 {
                buffer.append(piece[0])
            } else {
                piece.withUnsafeBytes { buffer.append($0) }
            }
            model += piece
        }
        #expect(buffer.count == model.count)
        #expect(buffer.bytes == model)
    }

    /// Pooled buffers come back with their old bytes in them: a render after a bigger one
    /// and renders running at once each see only their own output.
    @Test func pooledBuffersStartEmpty() async throws {
        let library = try TemplateLibrary(sources: ["page": "{% for x in items %}{{ x }},{% end %}"])
        let big = (0..<30_000).map { TemplateValue.int($0) }
        let bigText = try library.renderString("page", ["items": .array(big)])
        #expect(bigText.utf8.count > 100_000, "larger than a buffer's first size")
        #expect(try library.renderString("page", ["items": [1, 2]]) == "1,2,")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let items: [TemplateValue] = index % 2 == 0 ? big : [.int(index)]
                    let text = try library.renderString("page", ["items": .array(items)])
                    return text == (index % 2 == 0 ? bigText : "\(index),")
                }
            }
            for try await matches in group { #expect(matches) }
        }
    }
}

/// The word-at-a-time escaper against a byte-by-byte model: every special byte at every
/// position of texts that end inside, at and past eight-byte words, and every byte value
/// next to each special one (a near miss must not count as a match).
@Suite struct EscapingModelTests {
    static func model(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { byte -> [UInt8] in
            switch byte {
            case UInt8(ascii: "&"): Array("&amp;".utf8)
            case UInt8(ascii: "<"): Array("&lt;".utf8)
            case UInt8(ascii: ">"): Array("&gt;".utf8)
            case UInt8(ascii: "\""): Array("&#34;".utf8)
            case UInt8(ascii: "'"): Array("&#39;".utf8)
            default: [byte]
            }
        }
    }

    static func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var out = RenderBuffer(from: RenderBufferPool(initialCapacity: 1))
        bytes.withUnsafeBufferPointer { Escaping.appendHTML($0, to: &out) }
        return out.bytes
    }

    @Test func matchesTheModelAtEveryPosition() {
        for length in 0...40 {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            #expect(Self.escaped(plain) == plain)
            for position in 0..<length {
                for special in "&<>\"'".utf8 {
                    var text = plain
                    text[position] = special
                    #expect(Self.escaped(text) == Self.model(text), "length \(length), \(special) at \(position)")
                }
            }
        }
    }

    @Test func everyByteValue() {
        for value in 0...255 {
            let text = [UInt8](repeating: UInt8(value), count: 9) + Array("x&y".utf8) + [UInt8(value)]
            #expect(Self.escaped(text) == Self.model(text), "byte \(value)")
        }
    }
}
