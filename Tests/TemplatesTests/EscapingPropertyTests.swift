import Templates
import Testing

/// For random strings, the output never contains a `<`, `>`, `"`, `'` or `&` that came
/// from the data unescaped: removing the escapes the engine writes leaves no such byte.
@Suite struct EscapingPropertyTests {
    static let alphabet: [Character] = ["<", ">", "\"", "'", "&", "a", "Z", " ", "/", "=", ";", "#", ":", "\u{2028}", "é", "😀", "\t", "\n", "\0"]

    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func dataNeverEscapesTextOrAttributes() throws {
        let library = try TemplateLibrary(sources: [
            "t": "<p title=\"{{ s }}\" data-x='{{ s }}'>{{ s }}</p><a href=\"{{ s }}\">x</a><textarea>{{ s }}</textarea>",
        ])
        var generator = SeededGenerator(state: 20_261_123)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...24, using: &generator)
            let data = String((0..<length).map { _ in Self.alphabet.randomElement(using: &generator)! })
            let output = try library.renderString("t", ["s": .string(data)])
            let values = Self.interpolatedRegions(output)
            #expect(values.count == 5)
            for value in values {
                var stripped = value
                for entity in ["&amp;", "&lt;", "&gt;", "&#34;", "&#39;"] {
                    stripped = stripped.replacingOccurrences(of: entity, with: "")
                }
                #expect(!stripped.contains(where: { "<>\"'&".contains($0) }), "\(data.debugDescription) → \(value.debugDescription)")
            }
            #expect(Self.unescape(values[0]) == data)
        }
    }

    /// The five regions where the data went, cut out by the template's fixed delimiters.
    static func interpolatedRegions(_ output: String) -> [String] {
        let markers = [("<p title=\"", "\" data-x='"), ("\" data-x='", "'>"), ("'>", "</p><a href=\""), ("</p><a href=\"", "\">x</a>"), ("<textarea>", "</textarea>")]
        return markers.compactMap { start, end in
            guard let from = output.range(of: start), let to = output.range(of: end, range: from.upperBound..<output.endIndex) else { return nil }
            return String(output[from.upperBound..<to.lowerBound])
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
