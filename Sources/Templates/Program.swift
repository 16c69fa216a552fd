/// An expression with every name bound: the caller's variables by their index in the
/// program's ``Program/globalNames`` (looked up in the caller's dictionary once per
/// render), loop variables by slot.
indirect enum CompiledExpression: Sendable {
    case literal(TemplateValue)
    case global(index: Int, name: String, members: [String], SourceLocation)
    case local(slot: Int, name: String, members: [String], SourceLocation)
    case loopField(slot: Int, LoopField)
    case not(CompiledExpression)
    case and(CompiledExpression, CompiledExpression)
    case or(CompiledExpression, CompiledExpression)
    case compare(ComparisonOperator, CompiledExpression, CompiledExpression, SourceLocation)
    case filter(Filter, CompiledExpression, [CompiledExpression], SourceLocation)
}

/// `loop.index` (from 1), `loop.index0`, `loop.first`, `loop.last`, `loop.length`.
enum LoopField: String, Sendable {
    case index, index0, first, last, length
}

struct CompiledBranch: Sendable {
    let condition: CompiledExpression
    let body: [Instruction]
}

struct CompiledLoop: Sendable {
    let sequence: CompiledExpression
    let slot: Int
    let body: [Instruction]
    let empty: [Instruction]
    let location: SourceLocation
}

/// One step of a compiled template, as the compiler builds it (a tree); ``Bytecode``
/// flattens it for rendering. Static text is stored pre-encoded as UTF-8.
indirect enum Instruction: Sendable {
    case text([UInt8])
    case output(CompiledExpression, Escaper, SourceLocation)
    case conditional([CompiledBranch], otherwise: [Instruction])
    case loop(CompiledLoop)
}

/// A template (or one of its fragments) ready to render: its bytecode, how many loop
/// slots it needs and the caller's variables it reads.
struct Program: Sendable {
    let name: String
    let code: Bytecode
    let slotCount: Int
    let globalNames: [String]

    init(name: String, instructions: [Instruction], slotCount: Int, globalNames: [String]) {
        self.name = name
        self.code = Bytecode(instructions)
        self.slotCount = slotCount
        self.globalNames = globalNames
    }
}
