/// How an interpolated value is written, chosen at compile time from where it stands.
enum Escaper: Sendable, Equatable {
    /// Element text: escaped, except a ``TrustedHTML`` value passes as it is.
    case markup
    /// Attribute values and RCDATA (`<title>`, `<textarea>`): always escaped.
    case escaped
    /// The start of a URL attribute: the scheme is checked, then the value is escaped.
    case url
    /// The body of `<script type="application/json">`: the `json` filter's output as is.
    case json
}

/// Where a URL attribute's value stands, so an interpolation cannot choose a scheme
/// together with text around it.
enum URLPosition: Equatable {
    case notURL
    /// Nothing but white space so far: an interpolation here is scheme-checked.
    case start
    /// Static text without `/ ? # :` so far: an interpolation could complete a scheme.
    case staticPrefix
    /// A checked interpolation stands at the start; a `:` may not follow before `/ ? #`.
    case afterInterpolation
    /// The scheme and authority are fixed by static text.
    case fixed
}

/// A small HTML tokenizer that follows the static text of a template and tells, for each
/// interpolation, which context it stands in. It never sees data, only template text.
struct HTMLContext: Equatable {
    enum State: Equatable {
        case text, tagOpen, tagName, endTag
        case beforeAttributeName, attributeName, afterAttributeName, beforeAttributeValue
        case attributeValue(quote: UInt8), unquotedAttributeValue
        case rawText, rcdata, comment, declaration
    }

    private(set) var state: State = .text
    private var tagName: [UInt8] = []
    private var attributeName: [UInt8] = []
    private var typeValue: [UInt8] = []
    private var isJSONScript = false
    private var url: URLPosition = .notURL

    /// The context as it is for joining branches: an attribute name that has ended
    /// (`<input {% if x %}checked{% end %}>`) is the same as none.
    var joinable: HTMLContext {
        var copy = self
        switch copy.state {
        case .attributeName, .afterAttributeName:
            copy.state = .beforeAttributeName
            copy.attributeName = []
        case .text, .comment, .declaration, .endTag:
            copy = HTMLContext()
            copy.state = state
        default:
            break
        }
        return copy
    }

    /// Follows static template text. Returns the offset and message of a problem, if any.
    mutating func consume(_ bytes: [UInt8]) -> (offset: Int, message: String)? {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch state {
            case .text:
                if byte == UInt8(ascii: "<") { state = .tagOpen }
            case .tagOpen:
                if byte.isASCIILetter {
                    startTag(with: byte)
                } else if byte == UInt8(ascii: "/") {
                    state = .endTag
                } else if byte == UInt8(ascii: "!"), bytes.hasPrefix([0x2D, 0x2D], at: i + 1) {
                    state = .comment
                    i += 2
                } else if byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") {
                    state = .declaration
                } else {
                    state = .text
                }
            case .tagName:
                if byte.isHTMLSpace || byte == UInt8(ascii: "/") {
                    state = .beforeAttributeName
                } else if byte == UInt8(ascii: ">") {
                    closeTag()
                } else {
                    tagName.append(byte.asciiLowercased)
                }
            case .endTag, .declaration:
                if byte == UInt8(ascii: ">") { state = .text }
            case .beforeAttributeName, .afterAttributeName:
                if byte == UInt8(ascii: ">") {
                    closeTag()
                } else if byte == UInt8(ascii: "=") && state == .afterAttributeName {
                    state = .beforeAttributeValue
                } else if !byte.isHTMLSpace && byte != UInt8(ascii: "/") {
                    attributeName = [byte.asciiLowercased]
                    state = .attributeName
                }
            case .attributeName:
                if byte.isHTMLSpace {
                    state = .afterAttributeName
                } else if byte == UInt8(ascii: "=") {
                    state = .beforeAttributeValue
                } else if byte == UInt8(ascii: ">") {
                    closeTag()
                } else if byte == UInt8(ascii: "/") {
                    state = .beforeAttributeName
                } else {
                    attributeName.append(byte.asciiLowercased)
                }
            case .beforeAttributeValue:
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    startValue(quote: byte)
                } else if byte == UInt8(ascii: ">") {
                    closeTag()
                } else if !byte.isHTMLSpace {
                    startValue(quote: nil)
                    recordValueByte(byte)
                }
            case .attributeValue(let quote):
                if byte == quote {
                    endValue()
                } else {
                    recordValueByte(byte)
                    if let message = advanceURL(byte) { return (i, message) }
                }
            case .unquotedAttributeValue:
                if byte.isHTMLSpace {
                    endValue()
                } else if byte == UInt8(ascii: ">") {
                    endValue()
                    closeTag()
                } else {
                    recordValueByte(byte)
                }
            case .rawText, .rcdata:
                if byte == UInt8(ascii: "<"), bytes.hasPrefix([UInt8(ascii: "/")], at: i + 1),
                    bytes.hasPrefixIgnoringCase(tagName, at: i + 2)
                {
                    state = .endTag
                    i += 1 + tagName.count
                }
            case .comment:
                if bytes.hasPrefix([0x2D, 0x2D, 0x3E], at: i) {
                    state = .text
                    i += 2
                }
            }
            i += 1
        }
        return nil
    }

    /// Decides how an interpolation at this point is escaped, or why it is refused.
    mutating func interpolation(isJSONFilter: Bool) -> Result<Escaper, InterpolationRefusal> {
        switch state {
        case .text:
            return .success(.markup)
        case .rcdata:
            return .success(.escaped)
        case .attributeValue:
            let name = String(decoding: attributeName, as: UTF8.self)
            if let reason = Self.forbiddenAttributeReason(name) {
                return .failure(InterpolationRefusal("interpolation in the '\(name)' attribute is not allowed (\(reason))"))
            }
            switch url {
            case .notURL, .fixed:
                return .success(.escaped)
            case .start:
                url = .afterInterpolation
                return .success(.url)
            case .staticPrefix:
                return .failure(InterpolationRefusal("interpolation after a partial URL scheme in '\(name)'; start the URL with '/', a full scheme, or the value itself"))
            case .afterInterpolation:
                return .failure(InterpolationRefusal("a second interpolation before the URL in '\(name)' has a '/', '?' or '#'; join them into one value"))
            }
        case .rawText:
            if tagName == Array("script".utf8) && isJSONScript {
                return isJSONFilter
                    ? .success(.json)
                    : .failure(InterpolationRefusal("inside <script type=\"application/json\"> a value must end with the 'json' filter"))
            }
            let tag = String(decoding: tagName, as: UTF8.self)
            return .failure(InterpolationRefusal("interpolation inside a <\(tag)> body is not allowed"))
        case .tagOpen, .tagName, .endTag:
            return .failure(InterpolationRefusal("interpolation in a tag name is not allowed"))
        case .beforeAttributeName, .attributeName, .afterAttributeName:
            return .failure(InterpolationRefusal("interpolation in an attribute name is not allowed"))
        case .beforeAttributeValue, .unquotedAttributeValue:
            return .failure(InterpolationRefusal("interpolation in an unquoted attribute value is not allowed; quote the value"))
        case .comment:
            return .failure(InterpolationRefusal("interpolation inside an HTML comment is not allowed"))
        case .declaration:
            return .failure(InterpolationRefusal("interpolation inside a markup declaration is not allowed"))
        }
    }

    private static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href",
        "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-push-url",
    ]

    private static func isURLAttribute(_ name: String) -> Bool {
        urlAttributes.contains(name) || (name.hasPrefix("data-") && urlAttributes.contains(String(name.dropFirst(5))))
    }

    private static func forbiddenAttributeReason(_ name: String) -> String? {
        let bare = name.hasPrefix("data-") ? String(name.dropFirst(5)) : name
        if bare.hasPrefix("hx-on") { return "it holds script" }
        if name.hasPrefix("on") { return "event handlers hold script" }
        switch bare {
        case "hx-vals", "hx-headers": return "it is evaluated as JavaScript or JSON"
        case "style": return "it holds CSS"
        case "srcdoc": return "it holds a whole document"
        default: return nil
        }
    }

    private mutating func startTag(with byte: UInt8) {
        state = .tagName
        tagName = [byte.asciiLowercased]
        isJSONScript = false
    }

    private mutating func closeTag() {
        switch tagName {
        case Array("script".utf8), Array("style".utf8): state = .rawText
        case Array("title".utf8), Array("textarea".utf8): state = .rcdata
        default: state = .text
        }
        attributeName = []
    }

    private mutating func startValue(quote: UInt8?) {
        state = quote.map { .attributeValue(quote: $0) } ?? .unquotedAttributeValue
        typeValue = []
        url = Self.isURLAttribute(String(decoding: attributeName, as: UTF8.self)) ? .start : .notURL
    }

    private mutating func recordValueByte(_ byte: UInt8) {
        if attributeName == Array("type".utf8) { typeValue.append(byte.asciiLowercased) }
    }

    private mutating func endValue() {
        if tagName == Array("script".utf8), attributeName == Array("type".utf8) {
            isJSONScript = typeValue == Array("application/json".utf8)
        }
        typeValue = []
        attributeName = []
        url = .notURL
        state = .beforeAttributeName
    }

    private mutating func advanceURL(_ byte: UInt8) -> String? {
        let isDelimiter = byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
        switch url {
        case .notURL, .fixed:
            break
        case .start:
            if isDelimiter || byte == UInt8(ascii: ":") {
                url = .fixed
            } else if !byte.isHTMLSpace {
                url = .staticPrefix
            }
        case .staticPrefix:
            if isDelimiter || byte == UInt8(ascii: ":") { url = .fixed }
        case .afterInterpolation:
            if isDelimiter {
                url = .fixed
            } else if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "&") {
                return "a ':' after an interpolated URL start could form a scheme; put the whole URL in the value"
            }
        }
        return nil
    }
}

struct InterpolationRefusal: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension UInt8 {
    var isASCIILetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isHTMLSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0C || self == 0x0D }
    var asciiLowercased: UInt8 { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") ? self | 0x20 : self }
}

extension Array where Element == UInt8 {
    func hasPrefix(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= count else { return false }
        for (offset, byte) in prefix.enumerated() where self[index + offset] != byte { return false }
        return true
    }

    func hasPrefixIgnoringCase(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= count else { return false }
        for (offset, byte) in prefix.enumerated() where self[index + offset].asciiLowercased != byte { return false }
        return true
    }
}
