import Domain
import Testing

@Suite struct TextRulesTests {
    /// The character class the OpenAPI document uses names exactly the white space the
    /// rules trim.
    @Test func theSchemaClassIsTheTrimmedSet() {
        var scalars = Set<Unicode.Scalar>()
        var rest = Substring(TextRules.whitespaceClass)
        func next() -> Unicode.Scalar {
            if rest.hasPrefix("\\u") {
                let hex = rest.dropFirst(2).prefix(4)
                rest = rest.dropFirst(6)
                return Unicode.Scalar(UInt32(hex, radix: 16)!)!
            }
            if rest.hasPrefix("\\") {
                let letter = rest.dropFirst().first!
                rest = rest.dropFirst(2)
                return ["t": "\t", "n": "\n", "f": "\u{0C}", "r": "\r"][letter]!
            }
            return rest.removeFirst().unicodeScalars.first!
        }
        while !rest.isEmpty {
            let first = next()
            if rest.hasPrefix("-") {
                rest = rest.dropFirst()
                let last = next()
                for value in first.value...last.value { scalars.insert(Unicode.Scalar(value)!) }
            } else {
                scalars.insert(first)
            }
        }
        #expect(scalars == TextRules.whitespace)
    }

    @Test func lengthsCountCodePointsAndTrimmingUsesTheSet() {
        #expect("e\u{301}".length == 2 && "e\u{301}".count == 1)
        #expect("\u{FEFF}\u{3000} a b\r\n".trimmingWhitespace == "a b")
        #expect("\u{85}a".trimmingWhitespace == "\u{85}a", "NEL is not ECMAScript white space")
        #expect(" \t ".trimmingWhitespace.isEmpty)
    }
}
