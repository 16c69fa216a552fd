/// A conditional branch: the condition and the nodes rendered when it holds.
struct Branch: Equatable {
    let condition: ExpressionNode
    let body: [Node]
}

/// The syntax tree of one template file, before includes and inheritance are resolved.
indirect enum Node: Equatable {
    case text(String, SourceLocation)
    case output(ExpressionNode, SourceLocation)
    case conditional([Branch], otherwise: [Node]?, SourceLocation)
    case loop(variable: String, sequence: ExpressionNode, body: [Node], empty: [Node]?, SourceLocation)
    case include(String, SourceLocation)
    case block(String, [Node], SourceLocation)
    case fragment(String, [Node], SourceLocation)
}

struct ParsedTemplate {
    let name: String
    /// The layout this template extends, with where it was named.
    let parent: (name: String, location: SourceLocation)?
    let nodes: [Node]
}

/// Builds the syntax tree from lexer segments.
struct Parser {
    private let name: String
    private let segments: [Segment]
    private let sources: SourceLines
    private var position = 0

    init(name: String, segments: [Segment], sources: SourceLines) {
        self.name = name
        self.segments = segments
        self.sources = sources
    }

    mutating func parse() throws(TemplateError) -> ParsedTemplate {
        var parent: (String, SourceLocation)?
        var nodes: [Node] = []
        while position < segments.count {
            if case .tag(let text, let location) = segments[position],
                keyword(of: text) == "extends"
            {
                guard parent == nil, nodes.allSatisfy(Self.isBlankText) else {
                    throw sources.error(.syntax, "'extends' must come first, and only once", at: location)
                }
                var expression = try ExpressionParser(Substring(text), at: location, sources: sources)
                try expression.expectKeyword("extends")
                let layout = try expression.parseStringLiteral()
                try expression.expectEnd()
                parent = (layout, location)
                position += 1
                continue
            }
            let (body, terminator) = try parseBody(until: [])
            nodes.append(contentsOf: body)
            if let (word, location) = terminator {
                throw sources.error(.syntax, "'\(word)' without an open block", at: location)
            }
        }
        if parent != nil {
            for node in nodes {
                switch node {
                case .block: continue
                case .text where Self.isBlankText(node): continue
                case .text(_, let location), .output(_, let location), .conditional(_, _, let location),
                    .loop(_, _, _, _, let location), .include(_, let location), .fragment(_, _, let location):
                    throw sources.error(.syntax, "a template that extends another may only contain blocks", at: location)
                }
            }
        }
        return ParsedTemplate(name: name, parent: parent, nodes: nodes)
    }

    private static func isBlankText(_ node: Node) -> Bool {
        if case .text(let text, _) = node { return text.allSatisfy(\.isWhitespace) }
        return false
    }

    /// Parses nodes until one of `terminators` (or the end of input when it is empty).
    private mutating func parseBody(
        until terminators: Set<String>
    ) throws(TemplateError) -> ([Node], (String, SourceLocation)?) {
        var nodes: [Node] = []
        while position < segments.count {
            let segment = segments[position]
            switch segment {
            case .text(let text, let location):
                position += 1
                nodes.append(.text(text, location))
            case .output(let text, let location):
                position += 1
                var expression = try ExpressionParser(Substring(text), at: location, sources: sources)
                nodes.append(.output(try expression.parseAll(), expression.startLocation))
            case .tag(let text, let location):
                let word = keyword(of: text)
                if terminators.contains(word) {
                    position += 1
                    if word != "elif", text.split(whereSeparator: \.isWhitespace).count != 1 {
                        throw sources.error(.syntax, "'\(word)' takes no arguments", at: location)
                    }
                    return (nodes, (word, location))
                }
                if word == "extends" {
                    throw sources.error(.syntax, "'extends' must come first, and only once", at: location)
                }
                if ["end", "elif", "else", "empty"].contains(word) {
                    if terminators.isEmpty {
                        throw sources.error(.syntax, "'\(word)' without an open block", at: location)
                    }
                    throw sources.error(.syntax, "unexpected '\(word)'", at: location)
                }
                position += 1
                nodes.append(try parseTag(word, text, location))
            }
        }
        if !terminators.isEmpty {
            let expected = terminators.sorted().map { "'\($0)'" }.joined(separator: " or ")
            let last = segments.last.map(Self.location) ?? SourceLocation(template: name, line: 1, column: 1)
            throw sources.error(.syntax, "unexpected end of template, expected \(expected)", at: last)
        }
        return (nodes, nil)
    }

    private static func location(_ segment: Segment) -> SourceLocation {
        switch segment {
        case .text(_, let location), .output(_, let location), .tag(_, let location): location
        }
    }

    private mutating func parseTag(_ word: String, _ text: String, _ tagStart: SourceLocation) throws(TemplateError) -> Node {
        var expression = try ExpressionParser(Substring(text), at: tagStart, sources: sources)
        let location = expression.startLocation
        try expression.expectKeyword(word)
        switch word {
        case "if":
            var branches = [Branch(condition: try expression.parseAll(), body: [])]
            var otherwise: [Node]?
            while true {
                let (body, terminator) = try parseBody(until: otherwise == nil ? ["elif", "else", "end"] : ["end"])
                if otherwise != nil {
                    otherwise = body
                    return .conditional(branches, otherwise: otherwise, location)
                }
                branches[branches.count - 1] = Branch(condition: branches[branches.count - 1].condition, body: body)
                guard let (next, nextLocation) = terminator else { break }
                switch next {
                case "elif":
                    var condition = try ExpressionParser(Substring(tagText(before: position)), at: nextLocation, sources: sources)
                    try condition.expectKeyword("elif")
                    branches.append(Branch(condition: try condition.parseAll(), body: []))
                case "else":
                    otherwise = []
                default:
                    return .conditional(branches, otherwise: nil, location)
                }
            }
            return .conditional(branches, otherwise: otherwise, location)
        case "for":
            let variable = try expression.parseName()
            try expression.expectKeyword("in")
            let sequence = try expression.parseAll()
            let (body, terminator) = try parseBody(until: ["empty", "end"])
            var empty: [Node]?
            if let (word, _) = terminator, word == "empty" {
                empty = try parseBody(until: ["end"]).0
            }
            return .loop(variable: variable, sequence: sequence, body: body, empty: empty, location)
        case "include":
            let included = try expression.parseStringLiteral()
            try expression.expectEnd()
            return .include(included, location)
        case "block", "fragment":
            let blockName = try expression.parseName()
            try expression.expectEnd()
            let body = try parseBody(until: ["end"]).0
            return word == "block" ? .block(blockName, body, location) : .fragment(blockName, body, location)
        default:
            throw sources.error(.syntax, "unknown tag '\(word)'", at: location)
        }
    }

    private func tagText(before position: Int) -> String {
        if case .tag(let text, _) = segments[position - 1] { return text }
        return ""
    }

    private func keyword(of text: String) -> String {
        String(text.drop(while: \.isWhitespace).prefix(while: { $0.isLetter || $0 == "_" }))
    }
}
