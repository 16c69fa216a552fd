/// A position in a template source, 1-based.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let template: String
    public let line: Int
    public let column: Int

    public var description: String { "\(template):\(line):\(column)" }
}

/// Everything that can go wrong while loading or rendering templates.
///
/// Load-time errors (syntax, unsafe interpolation, unknown names, cycles) carry the
/// offending source line and a caret under the column, so a broken template stops the
/// server with a message that points at the problem.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax
        case unsafeContext
        case unknownName
        case cycle
        case render
        case io
    }

    public let kind: Kind
    public let location: SourceLocation?
    public let message: String
    /// The source line the location points into, when it is known.
    public let sourceLine: String?

    init(_ kind: Kind, _ message: String, at location: SourceLocation?, sourceLine: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
    }

    public var description: String {
        guard let location else { return message }
        var text = "\(location): \(message)"
        if let sourceLine {
            let caretPadding = String(repeating: " ", count: max(0, location.column - 1))
            text += "\n\(sourceLine)\n\(caretPadding)^"
        }
        return text
    }
}

/// The lines of each loaded template, kept only to quote them in error messages.
struct SourceLines: Sendable {
    private var lines: [String: [Substring]] = [:]

    mutating func add(template: String, source: String) {
        lines[template] = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func line(_ location: SourceLocation) -> String? {
        guard let templateLines = lines[location.template],
            location.line >= 1, location.line <= templateLines.count
        else { return nil }
        return String(templateLines[location.line - 1])
    }

    func error(_ kind: TemplateError.Kind, _ message: String, at location: SourceLocation) -> TemplateError {
        TemplateError(kind, message, at: location, sourceLine: line(location))
    }
}
