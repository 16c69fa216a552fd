/// How the rules measure and trim text, chosen to match JSON Schema exactly so the
/// OpenAPI document can declare every rule the server enforces:
/// - lengths count Unicode code points (`minLength`/`maxLength` do; Swift's `count`
///   counts grapheme clusters, which differ for combining marks and emoji);
/// - white space is ECMAScript's `\s` set (the one `pattern` uses), trimmed by code point.
public enum TextRules {
    /// ECMAScript's white space and line terminators.
    public static let whitespace: Set<Unicode.Scalar> = {
        var set: Set<Unicode.Scalar> = ["\u{09}", "\u{0A}", "\u{0B}", "\u{0C}", "\u{0D}", "\u{20}", "\u{A0}", "\u{1680}"]
        for value in 0x2000...0x200A { set.insert(Unicode.Scalar(UInt32(value))!) }  // safe: a range of valid scalars
        set.formUnion(["\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}"])
        return set
    }()

    /// The same set as a JSON Schema (ECMAScript) character class body, for patterns.
    public static let whitespaceClass = #"\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"#
}

extension String {
    /// The length the rules use: Unicode code points.
    public var length: Int { unicodeScalars.count }

    /// The string without leading and trailing white space (``TextRules/whitespace``).
    public var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !TextRules.whitespace.contains($0) }),
            let last = scalars.lastIndex(where: { !TextRules.whitespace.contains($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
