/// Runs a program's bytecode, writing into one byte buffer.
struct Renderer: ~Copyable {
    var out: RenderBuffer
    private let globals: [String: TemplateValue]
    private let strict: Bool
    private var locals: [TemplateValue]
    private var loopStates: [(index: Int, count: Int)]
    /// The running program's globals (``Program/globalNames``), each looked up in `globals`
    /// the first time it is read: a page reads its variables hundreds of times, and each
    /// dictionary lookup hashes the name.
    private var globalNames: [String] = []
    private var globalValues: [TemplateValue?] = []
    private var globalLoaded: [Bool] = []

    init(globals: [String: TemplateValue], strict: Bool, slotCount: Int, buffers: RenderBufferPool) {
        self.globals = globals
        self.strict = strict
        self.locals = Array(repeating: .null, count: slotCount)
        self.loopStates = Array(repeating: (0, 0), count: slotCount)
        self.out = RenderBuffer(from: buffers)
    }

    mutating func run(_ program: Program) throws(TemplateError) {
        globalNames = program.globalNames
        globalValues = Array(repeating: nil, count: program.globalNames.count)
        globalLoaded = Array(repeating: false, count: program.globalNames.count)
        let code = program.code
        var failure: TemplateError?
        code.text.withUnsafeBytes { text in
            do throws(TemplateError) { try run(code, text: text) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Global `index` of the running program (nil when the caller did not pass it).
    private mutating func global(_ index: Int) -> TemplateValue? {
        if !globalLoaded[index] {
            globalValues[index] = globals[globalNames[index]]
            globalLoaded[index] = true
        }
        return globalValues[index]
    }

    private mutating func run(_ code: Bytecode, text: UnsafeRawBufferPointer) throws(TemplateError) {
        var items: [[TemplateValue]] = Array(repeating: [], count: locals.count)
        // A caller's variable path has one value for the whole render: followed once, the
        // first time its output runs (outputs in loops run many times).
        var pathValues = [TemplateValue?](repeating: nil, count: code.paths.count)
        var pathFollowed = [Bool](repeating: false, count: code.paths.count)
        let operations = code.operations
        var pc = 0
        while pc < operations.count {
            switch operations[pc] {
            case .text(let start, let count):
                out.append(UnsafeRawBufferPointer(rebasing: text[Int(start)..<Int(start + count)]))
                pc += 1
            case .output(let expression, let escaper, let location):
                try write(try evaluate(code.expressions[Int(expression)]), escaper, code.locations, Int(location))
                pc += 1
            case .outputLoopVariable(let slot, let member, let expression, let escaper, let location):
                let value = try resolved(loopVariable(slot, member, names: code.names), else: expression, code)
                try write(value, escaper, code.locations, Int(location))
                pc += 1
            case .outputGlobal(let global, let path, let expression, let escaper, let location):
                if !pathFollowed[Int(path)] {
                    pathValues[Int(path)] = Self.follow(self.global(Int(global)), code.paths[Int(path)])
                    pathFollowed[Int(path)] = true
                }
                let value = try resolved(pathValues[Int(path)], else: expression, code)
                try write(value, escaper, code.locations, Int(location))
                pc += 1
            case .branch(let condition, let otherwise):
                pc = try evaluate(code.expressions[Int(condition)]).isTruthy ? pc + 1 : Int(otherwise)
            case .branchLoopVariable(let slot, let member, let condition, let otherwise):
                let value = try resolved(loopVariable(slot, member, names: code.names), else: condition, code)
                pc = value.isTruthy ? pc + 1 : Int(otherwise)
            case .jump(let target):
                pc = Int(target)
            case .loopStart(let index, let empty):
                let loop = code.loops[Int(index)]
                switch try evaluate(code.expressions[Int(loop.sequence)]) {
                case .array(let array) where !array.isEmpty:
                    items[loop.slot] = array
                    locals[loop.slot] = array[0]
                    loopStates[loop.slot] = (0, array.count)
                    pc += 1
                case .array, .null:
                    pc = Int(empty)
                case let other:
                    throw TemplateError(.render, "'for' needs a list, not \(other.typeName)", at: loop.location)
                }
            case .loopNext(let index, let body):
                let slot = code.loops[Int(index)].slot
                let next = loopStates[slot].index + 1
                if next < loopStates[slot].count {
                    locals[slot] = items[slot][next]
                    loopStates[slot].index = next
                    pc = Int(body)
                } else {
                    locals[slot] = .null
                    items[slot] = []
                    pc += 1
                }
            }
        }
    }

    /// A value read directly, or else expression `expression` evaluated (which reports
    /// what is missing).
    private mutating func resolved(_ direct: TemplateValue?, else expression: Int32, _ code: Bytecode) throws(TemplateError) -> TemplateValue {
        if let direct { return direct }
        return try evaluate(code.expressions[Int(expression)])
    }

    /// Loop variable `slot`, or its entry ``Bytecode/names``[`member`]; nil when missing.
    private func loopVariable(_ slot: Int32, _ member: Int32, names: [String]) -> TemplateValue? {
        if member < 0 { return locals[Int(slot)] }
        guard case .dictionary(let object) = locals[Int(slot)] else { return nil }
        return object[names[Int(member)]]
    }

    /// `root`, then each of `members` in turn; nil when any is missing.
    private static func follow(_ root: TemplateValue?, _ members: [String]) -> TemplateValue? {
        guard var value = root else { return nil }
        for member in members {
            guard case .dictionary(let object) = value, let next = object[member] else { return nil }
            value = next
        }
        return value
    }

    private mutating func write(_ value: TemplateValue, _ escaper: Escaper, _ locations: [SourceLocation], _ index: Int) throws(TemplateError) {
        switch (value, escaper) {
        case (.string(let string), .markup), (.string(let string), .escaped):
            Escaping.appendHTML(string, to: &out)
        case (.int(let number), .markup), (.int(let number), .escaped):
            out.appendDecimal(number)
        case (.html(let html), .markup):
            out.append(html.html)
        case (_, .url):
            let text = try text(of: value, locations[index])
            Escaping.appendHTML(Escaping.isSafeURL(text) ? text : Escaping.blockedURL, to: &out)
        case (_, .json):
            out.append(try text(of: value, locations[index]))
        default:
            Escaping.appendHTML(try text(of: value, locations[index]), to: &out)
        }
    }

    private func text(of value: TemplateValue, _ location: SourceLocation) throws(TemplateError) -> String {
        do {
            return try Filter.text(value)
        } catch {
            throw TemplateError(.render, error.message, at: location)
        }
    }

    private mutating func evaluate(_ expression: CompiledExpression) throws(TemplateError) -> TemplateValue {
        switch expression {
        case .literal(let value):
            return value
        case .global(let index, let name, let members, let location):
            guard let root = global(index) else { return try missing(name, location) }
            return try lookup(root, members, name, location)
        case .local(let slot, let name, let members, let location):
            return try lookup(locals[slot], members, name, location)
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
