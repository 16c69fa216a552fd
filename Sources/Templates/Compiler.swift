/// Turns a linked tree into instructions: binds names to slots, checks filters, and
/// decides each interpolation's escaping from the HTML context it stands in.
struct Compiler {
    private let sources: SourceLines
    private var context = HTMLContext()
    /// Loop variables in scope, innermost last.
    private var scope: [(name: String, slot: Int)] = []
    private var slotCount = 0
    /// The caller's variables read so far, in order of first use; an expression names one
    /// by its index here.
    private var globalNames: [String] = []
    private(set) var fragments: [String: Program] = [:]
    private let templateName: String

    init(templateName: String, sources: SourceLines) {
        self.templateName = templateName
        self.sources = sources
    }

    /// Compiles a whole template, and every fragment in it for rendering alone.
    mutating func compile(_ nodes: [Node]) throws(TemplateError) -> Program {
        let instructions = try compileBody(nodes)
        return Program(name: templateName, instructions: Self.mergingText(instructions), slotCount: slotCount, globalNames: globalNames)
    }

    private mutating func compileBody(_ nodes: [Node]) throws(TemplateError) -> [Instruction] {
        var result: [Instruction] = []
        for node in nodes {
            switch node {
            case .text(let text, let location):
                let bytes = Array(text.utf8)
                if let problem = context.consume(bytes) {
                    throw sources.error(.unsafeContext, problem.message, at: Self.location(of: problem.offset, in: bytes, from: location))
                }
                result.append(.text(bytes))
            case .output(let expression, let location):
                var isJSON = false
                if case .filter("json", _, _, _) = expression { isJSON = true }
                switch context.interpolation(isJSONFilter: isJSON) {
                case .success(let escaper):
                    result.append(.output(try compileExpression(expression), escaper, location))
                case .failure(let refusal):
                    throw sources.error(.unsafeContext, refusal.message, at: location)
                }
            case .conditional(let branches, let otherwise, let location):
                let start = context
                var compiled: [CompiledBranch] = []
                var ends: [HTMLContext] = []
                for branch in branches {
                    context = start
                    let condition = try compileExpression(branch.condition)
                    compiled.append(CompiledBranch(condition: condition, body: try compileBody(branch.body)))
                    ends.append(context.joinable)
                }
                context = start
                let elseBody = try compileBody(otherwise ?? [])
                ends.append(context.joinable)
                guard ends.allSatisfy({ $0 == ends[0] }) else {
                    throw sources.error(.unsafeContext, "the branches of this 'if' end in different HTML contexts", at: location)
                }
                result.append(.conditional(compiled, otherwise: elseBody))
            case .loop(let variable, let sequence, let body, let empty, let location):
                let start = context.joinable
                let compiledSequence = try compileExpression(sequence)
                let slot = slotCount
                slotCount += 1
                scope.append((variable, slot))
                let compiledBody = try compileBody(body)
                scope.removeLast()
                guard context.joinable == start else {
                    throw sources.error(.unsafeContext, "the body of this 'for' ends in a different HTML context than it starts", at: location)
                }
                let compiledEmpty = try compileBody(empty ?? [])
                guard context.joinable == start else {
                    throw sources.error(.unsafeContext, "the 'empty' part of this 'for' ends in a different HTML context than it starts", at: location)
                }
                result.append(.loop(CompiledLoop(sequence: compiledSequence, slot: slot, body: compiledBody, empty: compiledEmpty, location: location)))
            case .include(let name, let location):
                throw sources.error(.unknownName, "include of '\(name)' was not linked", at: location)
            case .block(_, let body, _):
                result.append(contentsOf: try compileBody(body))
            case .fragment(let name, let body, let location):
                guard fragments[name] == nil else {
                    throw sources.error(.syntax, "fragment '\(name)' is defined twice", at: location)
                }
                var alone = Compiler(templateName: templateName, sources: sources)
                alone.context = context
                let standalone = try alone.compileBody(body)
                fragments[name] = Program(
                    name: templateName, instructions: Self.mergingText(standalone), slotCount: alone.slotCount, globalNames: alone.globalNames)
                result.append(contentsOf: try compileBody(body))
            }
        }
        return result
    }

    private mutating func compileExpression(_ node: ExpressionNode) throws(TemplateError) -> CompiledExpression {
        switch node {
        case .literal(let value):
            return .literal(value)
        case .path(let path, let location):
            let root = path[0]
            let members = Array(path.dropFirst())
            if root == "loop", let loopSlot = scope.last?.slot, !scope.contains(where: { $0.name == "loop" }) {
                guard members.count == 1, let field = LoopField(rawValue: members[0]) else {
                    throw sources.error(.syntax, "loop has index, index0, first, last and length", at: location)
                }
                return .loopField(slot: loopSlot, field)
            }
            if root == "loop", scope.isEmpty {
                throw sources.error(.syntax, "'loop' is only available inside a 'for' of the same template part (a fragment rendered alone has none)", at: location)
            }
            if let local = scope.last(where: { $0.name == root }) {
                return .local(slot: local.slot, name: root, members: members, location)
            }
            let index = globalNames.firstIndex(of: root) ?? globalNames.endIndex
            if index == globalNames.endIndex { globalNames.append(root) }
            return .global(index: index, name: root, members: members, location)
        case .not(let inner):
            return .not(try compileExpression(inner))
        case .and(let left, let right):
            return .and(try compileExpression(left), try compileExpression(right))
        case .or(let left, let right):
            return .or(try compileExpression(left), try compileExpression(right))
        case .compare(let op, let left, let right, let location):
            return .compare(op, try compileExpression(left), try compileExpression(right), location)
        case .filter(let name, let input, let arguments, let location):
            guard let filter = Filter(rawValue: name) else {
                let known = Filter.allCases.map(\.rawValue).joined(separator: ", ")
                throw sources.error(.unknownName, "unknown filter '\(name)' (known: \(known))", at: location)
            }
            guard filter.arity.contains(arguments.count) else {
                throw sources.error(.syntax, "filter '\(name)' takes \(filter.arity.lowerBound)…\(filter.arity.upperBound) arguments, not \(arguments.count)", at: location)
            }
            var compiledArguments: [CompiledExpression] = []
            for argument in arguments { compiledArguments.append(try compileExpression(argument)) }
            return .filter(filter, try compileExpression(input), compiledArguments, location)
        }
    }

    /// Joins neighbouring static text into one pre-encoded run.
    private static func mergingText(_ instructions: [Instruction]) -> [Instruction] {
        var result: [Instruction] = []
        for instruction in instructions {
            switch instruction {
            case .text(let bytes):
                if bytes.isEmpty { continue }
                if case .text(let previous) = result.last {
                    result[result.count - 1] = .text(previous + bytes)
                } else {
                    result.append(instruction)
                }
            case .output:
                result.append(instruction)
            case .conditional(let branches, let otherwise):
                result.append(.conditional(
                    branches.map { CompiledBranch(condition: $0.condition, body: mergingText($0.body)) },
                    otherwise: mergingText(otherwise)))
            case .loop(let loop):
                result.append(.loop(CompiledLoop(
                    sequence: loop.sequence, slot: loop.slot, body: mergingText(loop.body),
                    empty: mergingText(loop.empty), location: loop.location)))
            }
        }
        return result
    }

    private static func location(of offset: Int, in bytes: [UInt8], from start: SourceLocation) -> SourceLocation {
        var line = start.line
        var column = start.column
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(template: start.template, line: line, column: column)
    }
}
