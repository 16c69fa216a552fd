/// A program flattened for rendering: one array of plain operations (no reference
/// counting to step through them), every piece of static text in one byte buffer, and
/// the expressions, loops and source locations in side tables the operations index.
/// Control flow is jumps, so the renderer is a loop over a program counter instead of a
/// walk over nested arrays of boxed instructions.
struct Bytecode: Sendable {
    enum Operation: Sendable {
        /// Static text: `count` bytes of ``text`` from `start`.
        case text(start: Int32, count: Int32)
        /// Writes expression `expression`, escaped by `escaper`; `location` indexes ``locations``.
        case output(expression: Int32, escaper: Escaper, location: Int32)
        /// The most common output, `{{ item }}` or `{{ item.field }}` of a loop variable, read
        /// without evaluating an expression tree: loop slot `slot`, then (unless `member` is
        /// -1) the entry named ``names``[`member`]. When that is missing, expression
        /// `expression` is evaluated as usual (it reports the missing name).
        case outputLoopVariable(slot: Int32, member: Int32, expression: Int32, escaper: Escaper, location: Int32)
        /// `{{ name }}` or `{{ name.a.b }}` of a variable the caller passed: the program's
        /// global `global` (looked up once per render), then the members ``paths``[`path`]
        /// (followed once per render); when that is missing, expression `expression` as usual.
        case outputGlobal(global: Int32, path: Int32, expression: Int32, escaper: Escaper, location: Int32)
        /// Goes on when expression `condition` is truthy, else jumps to `otherwise`.
        case branch(condition: Int32, otherwise: Int32)
        /// ``branch(condition:otherwise:)`` on a loop variable or its field, read like
        /// ``outputLoopVariable(slot:member:expression:escaper:location:)``.
        case branchLoopVariable(slot: Int32, member: Int32, condition: Int32, otherwise: Int32)
        case jump(Int32)
        /// Starts loop `loop` (in ``loops``): binds the first item and goes on, or jumps to
        /// `empty` when there is none.
        case loopStart(loop: Int32, empty: Int32)
        /// Binds the next item of loop `loop` and jumps back to `body`, or ends the loop
        /// and goes on.
        case loopNext(loop: Int32, body: Int32)
    }

    struct Loop: Sendable {
        let sequence: Int32
        let slot: Int
        let location: SourceLocation
    }

    private(set) var operations: [Operation] = []
    private(set) var text: [UInt8] = []
    private(set) var expressions: [CompiledExpression] = []
    private(set) var loops: [Loop] = []
    private(set) var locations: [SourceLocation] = []
    /// Member names of loop variables read without an expression tree.
    private(set) var names: [String] = []
    /// The member paths after the caller's variables that outputs read directly.
    private(set) var paths: [[String]] = []

    init(_ instructions: [Instruction]) {
        assemble(instructions)
    }

    private var here: Int32 { Int32(operations.count) }

    private mutating func assemble(_ instructions: [Instruction]) {
        for instruction in instructions {
            switch instruction {
            case .text(let bytes):
                operations.append(.text(start: Int32(text.count), count: Int32(bytes.count)))
                text.append(contentsOf: bytes)
            case .output(let expression, let escaper, let location):
                let index = add(expression)
                let at = Int32(locations.count)
                locations.append(location)
                if let (slot, member) = loopVariable(expression) {
                    operations.append(.outputLoopVariable(slot: slot, member: member, expression: index, escaper: escaper, location: at))
                } else if case .global(let global, _, let members, _) = expression {
                    paths.append(members)
                    operations.append(
                        .outputGlobal(global: Int32(global), path: Int32(paths.count - 1), expression: index, escaper: escaper, location: at))
                } else {
                    operations.append(.output(expression: index, escaper: escaper, location: at))
                }
            case .conditional(let branches, let otherwise):
                var exits: [Int] = []
                for branch in branches {
                    let test = operations.count
                    let condition = add(branch.condition)
                    if let (slot, member) = loopVariable(branch.condition) {
                        operations.append(.branchLoopVariable(slot: slot, member: member, condition: condition, otherwise: -1))
                    } else {
                        operations.append(.branch(condition: condition, otherwise: -1))
                    }
                    assemble(branch.body)
                    exits.append(operations.count)
                    operations.append(.jump(-1))
                    patch(test, to: here)
                }
                assemble(otherwise)
                for exit in exits { patch(exit, to: here) }
            case .loop(let loop):
                let index = Int32(loops.count)
                loops.append(Loop(sequence: add(loop.sequence), slot: loop.slot, location: loop.location))
                let start = operations.count
                operations.append(.loopStart(loop: index, empty: -1))
                let body = here
                assemble(loop.body)
                operations.append(.loopNext(loop: index, body: body))
                if loop.empty.isEmpty {
                    patch(start, to: here)
                } else {
                    let exit = operations.count
                    operations.append(.jump(-1))
                    patch(start, to: here)
                    assemble(loop.empty)
                    patch(exit, to: here)
                }
            }
        }
    }

    /// The slot and member (-1 for none) of `item` or `item.field`, a loop variable read
    /// directly; nil for any other expression.
    private mutating func loopVariable(_ expression: CompiledExpression) -> (slot: Int32, member: Int32)? {
        guard case .local(let slot, _, let members, _) = expression, members.count <= 1 else { return nil }
        guard let name = members.first else { return (Int32(slot), -1) }
        names.append(name)
        return (Int32(slot), Int32(names.count - 1))
    }

    private mutating func add(_ expression: CompiledExpression) -> Int32 {
        expressions.append(expression)
        return Int32(expressions.count - 1)
    }

    /// Points the jump target of operation `index` at `target`.
    private mutating func patch(_ index: Int, to target: Int32) {
        switch operations[index] {
        case .branch(let condition, _): operations[index] = .branch(condition: condition, otherwise: target)
        case .branchLoopVariable(let slot, let member, let condition, _):
            operations[index] = .branchLoopVariable(slot: slot, member: member, condition: condition, otherwise: target)
        case .jump: operations[index] = .jump(target)
        case .loopStart(let loop, _): operations[index] = .loopStart(loop: loop, empty: target)
        case .text, .output, .outputLoopVariable, .outputGlobal, .loopNext: preconditionFailure("operation \(index) has no jump target")
        }
    }
}
