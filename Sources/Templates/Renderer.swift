/// Walks a compiled program, writing into one byte buffer.
struct Renderer {
    var out: [UInt8]
    private let globals: [String: TemplateValue]
    private let strict: Bool
    private var locals: [TemplateValue]
    private var loopStates: [(index: Int, count: Int)]

    init(globals: [String: TemplateValue], strict: Bool, slotCount: Int, capacity: Int) {
        self.globals = globals
        self.strict = strict
        self.locals = Array(repeating: .null, count: slotCount)
        self.loopStates = Array(repeating: (0, 0), count: slotCount)
        self.out = []
        out.reserveCapacity(capacity)
    }

    mutating func run(_ instructions: [Instruction]) throws(TemplateError) {
        for instruction in instructions {
            switch instruction {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .output(let expression, let escaper, let location):
                try write(try evaluate(expression), escaper, location)
            case .conditional(let branches, let otherwise):
                var taken = false
                for branch in branches where try evaluate(branch.condition).isTruthy {
                    try run(branch.body)
                    taken = true
                    break
                }
                if !taken { try run(otherwise) }
            case .loop(let loop):
                let items: [TemplateValue]
                switch try evaluate(loop.sequence) {
                case .array(let array): items = array
                case .null: items = []
                case let other:
                    throw TemplateError(.render, "'for' needs a list, not \(other.typeName)", at: loop.location)
                }
                if items.isEmpty {
                    try run(loop.empty)
                    continue
                }
                for (index, item) in items.enumerated() {
                    locals[loop.slot] = item
                    loopStates[loop.slot] = (index, items.count)
                    try run(loop.body)
                }
                locals[loop.slot] = .null
            }
        }
    }

    private mutating func write(_ value: TemplateValue, _ escaper: Escaper, _ location: SourceLocation) throws(TemplateError) {
        switch (value, escaper) {
        case (.string(let string), .markup), (.string(let string), .escaped):
            Escaping.appendHTML(string, to: &out)
        case (.int(let number), .markup), (.int(let number), .escaped):
            Escaping.appendDecimal(number, to: &out)
        case (.html(let html), .markup):
            out.append(contentsOf: html.html.utf8)
        case (_, .url):
            let text = try text(of: value, location)
            Escaping.appendHTML(Escaping.isSafeURL(text) ? text : Escaping.blockedURL, to: &out)
        case (_, .json):
            out.append(contentsOf: try text(of: value, location).utf8)
        default:
            Escaping.appendHTML(try text(of: value, location), to: &out)
        }
    }

    private func text(of value: TemplateValue, _ location: SourceLocation) throws(TemplateError) -> String {
        do {
            return try Filter.text(value)
        } catch {
            throw TemplateError(.render, error.message, at: location)
        }
    }

    private func evaluate(_ expression: CompiledExpression) throws(TemplateError) -> TemplateValue {
        switch expression {
        case .literal(let value):
            return value
        case .global(let name, let members, let location):
            guard let root = globals[name] else { return try missing(name, location) }
            return try lookup(root, members, name, location)
        case .local(let slot, let members, let location):
            return try lookup(locals[slot], members, "loop variable", location)
        case .loopField(let slot, let field):
            let state = loopStates[slot]
            switch field {
            case .index: return .int(state.index + 1)
            case .index0: return .int(state.index)
            case .first: return .bool(state.index == 0)
            case .last: return .bool(state.index == state.count - 1)
            case .length: return .int(state.count)
            }
        case .not(let inner):
            return .bool(!(try evaluate(inner).isTruthy))
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .compare(let op, let left, let right, let location):
            return .bool(try Comparison.compare(op, try evaluate(left), try evaluate(right), at: location))
        case .filter(let filter, let input, let arguments, let location):
            let value: TemplateValue
            if filter == .default {
                value = (try? evaluate(input)) ?? .null
            } else {
                value = try evaluate(input)
            }
            var argumentValues: [TemplateValue] = []
            for argument in arguments { argumentValues.append(try evaluate(argument)) }
            do {
                return try filter.apply(value, argumentValues)
            } catch {
                throw TemplateError(.render, "filter '\(filter.rawValue)': \(error.message)", at: location)
            }
        }
    }

    private func lookup(_ root: TemplateValue, _ members: [String], _ rootName: String, _ location: SourceLocation) throws(TemplateError) -> TemplateValue {
        if members.isEmpty { return root }
        if members.count == 1 {
            guard case .dictionary(let entries) = root, let next = entries[members[0]] else {
                return try missing(rootName + "." + members[0], location)
            }
            return next
        }
        var value = root
        for (depth, member) in members.enumerated() {
            guard case .dictionary(let entries) = value, let next = entries[member] else {
                return try missing(([rootName] + members.prefix(depth + 1)).joined(separator: "."), location)
            }
            value = next
        }
        return value
    }

    private func missing(_ path: String, _ location: SourceLocation) throws(TemplateError) -> TemplateValue {
        if strict { throw TemplateError(.render, "missing variable '\(path)'", at: location) }
        return .null
    }
}

enum Comparison {
    static func compare(_ op: ComparisonOperator, _ left: TemplateValue, _ right: TemplateValue, at location: SourceLocation) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return equal(left, right)
        case .notEqual: return !equal(left, right)
        default: break
        }
        let order: Int
        switch (left, right) {
        case (.string(let a), .string(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
        case (.date(let a), .date(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = number(left), let b = number(right) else {
                throw TemplateError(.render, "cannot compare \(left.typeName) with \(right.typeName) using \(op.rawValue)", at: location)
            }
            order = a < b ? -1 : (a == b ? 0 : 1)
        }
        switch op {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    private static func equal(_ left: TemplateValue, _ right: TemplateValue) -> Bool {
        if let a = number(left), let b = number(right) { return a == b }
        return left == right
    }

    private static func number(_ value: TemplateValue) -> Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
