/// Resolves `include` and `extends`/`block` into one flat tree per template, rejecting
/// unknown names and cycles.
struct Linker {
    let templates: [String: ParsedTemplate]
    let sources: SourceLines

    func resolve(_ name: String) throws(TemplateError) -> [Node] {
        try resolve(name, referencedAt: nil, stack: [])
    }

    private func resolve(_ name: String, referencedAt reference: SourceLocation?, stack: [String]) throws(TemplateError) -> [Node] {
        guard let template = templates[name] else {
            let message = "unknown template '\(name)'"
            if let reference { throw sources.error(.unknownName, message, at: reference) }
            throw TemplateError(.unknownName, message, at: nil)
        }
        if stack.contains(name) {
            let chain = (stack.drop(while: { $0 != name }) + [name]).joined(separator: " → ")
            let message = "cycle: \(chain)"
            if let reference { throw sources.error(.cycle, message, at: reference) }
            throw TemplateError(.cycle, message, at: nil)
        }
        let stack = stack + [name]
        guard let parent = template.parent else {
            return try inline(template.nodes, stack: stack)
        }
        var overrides: [String: [Node]] = [:]
        for case .block(let blockName, let body, let location) in template.nodes {
            guard overrides[blockName] == nil else {
                throw sources.error(.syntax, "block '\(blockName)' is defined twice", at: location)
            }
            overrides[blockName] = try inline(body, stack: stack)
        }
        let layout = try resolve(parent.name, referencedAt: parent.location, stack: stack)
        var used: Set<String> = []
        let result = substitute(layout, overrides, used: &used)
        for case .block(let blockName, _, let location) in template.nodes where !used.contains(blockName) {
            throw sources.error(.unknownName, "block '\(blockName)' is not defined in '\(parent.name)'", at: location)
        }
        return result
    }

    private func inline(_ nodes: [Node], stack: [String]) throws(TemplateError) -> [Node] {
        var result: [Node] = []
        for node in nodes {
            switch node {
            case .text, .output:
                result.append(node)
            case .include(let name, let location):
                result.append(contentsOf: try resolve(name, referencedAt: location, stack: stack))
            case .conditional(let branches, let otherwise, let location):
                var linked: [Branch] = []
                for branch in branches {
                    linked.append(Branch(condition: branch.condition, body: try inline(branch.body, stack: stack)))
                }
                let linkedOtherwise: [Node]? = try otherwise.map { nodes throws(TemplateError) in try inline(nodes, stack: stack) }
                result.append(.conditional(linked, otherwise: linkedOtherwise, location))
            case .loop(let variable, let sequence, let body, let empty, let location):
                let linkedEmpty: [Node]? = try empty.map { nodes throws(TemplateError) in try inline(nodes, stack: stack) }
                result.append(.loop(variable: variable, sequence: sequence, body: try inline(body, stack: stack), empty: linkedEmpty, location))
            case .block(let name, let body, let location):
                result.append(.block(name, try inline(body, stack: stack), location))
            case .fragment(let name, let body, let location):
                result.append(.fragment(name, try inline(body, stack: stack), location))
            }
        }
        return result
    }

    /// Replaces the layout's blocks by the child's overrides (already linked).
    private func substitute(_ nodes: [Node], _ overrides: [String: [Node]], used: inout Set<String>) -> [Node] {
        nodes.map { node in
            switch node {
            case .text, .output, .include:
                return node
            case .block(let name, let body, let location):
                if let override = overrides[name] {
                    used.insert(name)
                    var inner = overrides
                    inner[name] = nil
                    return .block(name, substitute(override, inner, used: &used), location)
                }
                return .block(name, substitute(body, overrides, used: &used), location)
            case .conditional(let branches, let otherwise, let location):
                let replaced = branches.map { Branch(condition: $0.condition, body: substitute($0.body, overrides, used: &used)) }
                return .conditional(replaced, otherwise: otherwise.map { substitute($0, overrides, used: &used) }, location)
            case .loop(let variable, let sequence, let body, let empty, let location):
                return .loop(
                    variable: variable, sequence: sequence, body: substitute(body, overrides, used: &used),
                    empty: empty.map { substitute($0, overrides, used: &used) }, location)
            case .fragment(let name, let body, let location):
                return .fragment(name, substitute(body, overrides, used: &used), location)
            }
        }
    }
}
