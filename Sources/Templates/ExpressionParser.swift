/// Comparison operators usable in expressions.
enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// An expression as written, before names are bound to scopes and filters are checked.
indirect enum ExpressionNode: Equatable {
    case literal(TemplateValue)
    case path([String], SourceLocation)
    case not(ExpressionNode)
    case and(ExpressionNode, ExpressionNode)
    case or(ExpressionNode, ExpressionNode)
    case compare(ComparisonOperator, ExpressionNode, ExpressionNode, SourceLocation)
    case filter(String, ExpressionNode, [ExpressionNode], SourceLocation)
}

private enum Token: Equatable {
    case identifier(String)
    case string(String)
    case int(Int)
    case double(Double)
    case symbol(String)
    case end
}

/// Parses the inside of `{{ … }}` and the expression parts of tags.
///
/// Grammar: `or := and ('or' and)*`, `and := not ('and' not)*`, `not := 'not' not | cmp`,
/// `cmp := filtered (op filtered)?`, `filtered := primary ('|' name ('(' args ')')?)*`,
/// `primary := literal | path | '(' or ')'`.
struct ExpressionParser {
    private var tokens: [(Token, SourceLocation)] = []
    private var position = 0
    private let sources: SourceLines

    init(_ text: Substring, at location: SourceLocation, sources: SourceLines) throws(TemplateError) {
        self.sources = sources
        self.tokens = try Self.tokenize(text, at: location, sources: sources)
    }

    /// Where the first token stands: what errors about the whole expression point at.
    var startLocation: SourceLocation { tokens[0].1 }

    /// Parses one whole expression; anything left over is an error.
    mutating func parseAll() throws(TemplateError) -> ExpressionNode {
        let expression = try parseOr()
        try expectEnd()
        return expression
    }

    mutating func parseOr() throws(TemplateError) -> ExpressionNode {
        var left = try parseAnd()
        while current == .identifier("or") {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    /// The next token must be the identifier `word` (for `for x in xs`).
    mutating func expectKeyword(_ word: String) throws(TemplateError) {
        guard current == .identifier(word) else { throw error("expected '\(word)'") }
        position += 1
    }

    mutating func parseName() throws(TemplateError) -> String {
        guard case .identifier(let name) = current, !Self.keywords.contains(name) else {
            throw error("expected a name")
        }
        position += 1
        return name
    }

    mutating func parseStringLiteral() throws(TemplateError) -> String {
        guard case .string(let value) = current else { throw error("expected a quoted name") }
        position += 1
        return value
    }

    mutating func expectEnd() throws(TemplateError) {
        guard current == .end else { throw error("unexpected \(describe(current))") }
    }

    private static let keywords: Set<String> = ["and", "or", "not", "in", "true", "false", "null"]

    private var current: Token { tokens[position].0 }
    private var currentLocation: SourceLocation { tokens[position].1 }

    private func error(_ message: String) -> TemplateError {
        sources.error(.syntax, message, at: currentLocation)
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .identifier(let name): "'\(name)'"
        case .string(let value): "string \"\(value)\""
        case .int(let value): "number \(value)"
        case .double(let value): "number \(value)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of expression"
        }
    }

    private mutating func parseAnd() throws(TemplateError) -> ExpressionNode {
        var left = try parseNot()
        while current == .identifier("and") {
            position += 1
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(TemplateError) -> ExpressionNode {
        if current == .identifier("not") {
            position += 1
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(TemplateError) -> ExpressionNode {
        let left = try parseFiltered()
        if case .symbol(let symbol) = current, let op = ComparisonOperator(rawValue: symbol) {
            let location = currentLocation
            position += 1
            return .compare(op, left, try parseFiltered(), location)
        }
        return left
    }

    private mutating func parseFiltered() throws(TemplateError) -> ExpressionNode {
        var value = try parsePrimary()
        while current == .symbol("|") {
            position += 1
            let location = currentLocation
            guard case .identifier(let name) = current else { throw error("expected a filter name after '|'") }
            position += 1
            var arguments: [ExpressionNode] = []
            if current == .symbol("(") {
                position += 1
                if current != .symbol(")") {
                    arguments.append(try parseOr())
                    while current == .symbol(",") {
                        position += 1
                        arguments.append(try parseOr())
                    }
                }
                guard current == .symbol(")") else { throw error("expected ')' after filter arguments") }
                position += 1
            }
            value = .filter(name, value, arguments, location)
        }
        return value
    }

    private mutating func parsePrimary() throws(TemplateError) -> ExpressionNode {
        let location = currentLocation
        switch current {
        case .string(let value):
            position += 1
            return .literal(.string(value))
        case .int(let value):
            position += 1
            return .literal(.int(value))
        case .double(let value):
            position += 1
            return .literal(.double(value))
        case .identifier("true"):
            position += 1
            return .literal(.bool(true))
        case .identifier("false"):
            position += 1
            return .literal(.bool(false))
        case .identifier("null"):
            position += 1
            return .literal(.null)
        case .identifier(let name) where !Self.keywords.contains(name):
            position += 1
            var path = [name]
            while current == .symbol(".") {
                position += 1
                guard case .identifier(let member) = current else { throw error("expected a name after '.'") }
                position += 1
                path.append(member)
            }
            return .path(path, location)
        case .symbol("("):
            position += 1
            let inner = try parseOr()
            guard current == .symbol(")") else { throw error("expected ')'") }
            position += 1
            return inner
        default:
            throw error("expected a value, found \(describe(current))")
        }
    }

    private static func tokenize(
        _ text: Substring, at start: SourceLocation, sources: SourceLines
    ) throws(TemplateError) -> [(Token, SourceLocation)] {
        var result: [(Token, SourceLocation)] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var line = start.line
        var column = start.column
        func location(_ offset: Int) -> SourceLocation {
            SourceLocation(template: start.template, line: line, column: column + offset)
        }
        var lineStartIndex = 0
        while i < scalars.count {
            let c = scalars[i]
            let here = location(i - lineStartIndex)
            if c == "\n" {
                line += 1
                column = 1
                i += 1
                lineStartIndex = i
                continue
            }
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if c.properties.isAlphabetic || c == "_" {
                var j = i
                while j < scalars.count, scalars[j].properties.isAlphabetic || scalars[j] == "_" || ("0"..."9").contains(scalars[j]) {
                    j += 1
                }
                result.append((.identifier(String(String.UnicodeScalarView(scalars[i..<j]))), here))
                i = j
            } else if ("0"..."9").contains(c) || (c == "-" && i + 1 < scalars.count && ("0"..."9").contains(scalars[i + 1])) {
                var j = i + 1
                var isDouble = false
                while j < scalars.count, ("0"..."9").contains(scalars[j]) || (scalars[j] == "." && !isDouble && j + 1 < scalars.count && ("0"..."9").contains(scalars[j + 1])) {
                    if scalars[j] == "." { isDouble = true }
                    j += 1
                }
                let literal = String(String.UnicodeScalarView(scalars[i..<j]))
                if isDouble, let value = Double(literal) {
                    result.append((.double(value), here))
                } else if let value = Int(literal) {
                    result.append((.int(value), here))
                } else {
                    throw sources.error(.syntax, "number '\(literal)' is out of range", at: here)
                }
                i = j
            } else if c == "\"" || c == "'" {
                var value = String.UnicodeScalarView()
                var j = i + 1
                var closed = false
                while j < scalars.count {
                    if scalars[j] == "\\", j + 1 < scalars.count {
                        value.append(scalars[j + 1])
                        j += 2
                        continue
                    }
                    if scalars[j] == c {
                        closed = true
                        break
                    }
                    value.append(scalars[j])
                    j += 1
                }
                guard closed else { throw sources.error(.syntax, "unterminated string", at: here) }
                result.append((.string(String(value)), here))
                i = j + 1
            } else {
                let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
                if ["==", "!=", "<=", ">="].contains(two) {
                    result.append((.symbol(two), here))
                    i += 2
                } else if "|.(),<>".unicodeScalars.contains(c) {
                    result.append((.symbol(String(c)), here))
                    i += 1
                } else {
                    throw sources.error(.syntax, "unexpected character '\(c)'", at: here)
                }
            }
        }
        result.append((.end, location(scalars.count - lineStartIndex)))
        return result
    }
}
