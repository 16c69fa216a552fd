import Foundation

/// All templates of an application, parsed, linked and compiled once.
///
/// Loading fails on the first broken template (syntax, unsafe interpolation, unknown
/// include/layout/block, cycle), so a server refuses to start rather than fail later.
/// After loading, only compiled programs exist: rendering never parses. A development
/// server reloads by building a new library (``reloaded()``) and swapping it in.
public struct TemplateLibrary: Sendable {
    public struct Options: Sendable {
        /// A missing variable is a render error (development and test) instead of null.
        public var strictVariables: Bool
        public init(strictVariables: Bool = true) { self.strictVariables = strictVariables }
    }

    private struct Compiled: Sendable {
        let program: Program
        let fragments: [String: Program]
    }

    public let options: Options
    private let compiled: [String: Compiled]
    private let directory: URL?
    /// Render buffers kept between renders; a new one starts at 16 KiB and doubles as
    /// needed (a dashboard is ~50 KB).
    private let buffers = RenderBufferPool(initialCapacity: 16_384)

    /// Loads every `*.html` file below `directory`; a template's name is its path
    /// relative to the folder without the extension (`pages/dashboard`).
    public init(directory: URL, options: Options = Options()) throws(TemplateError) {
        try self.init(sources: Self.readFolder(directory), options: options, directory: directory)
    }

    /// Builds a library from in-memory sources, keyed by template name.
    public init(sources: [String: String], options: Options = Options()) throws(TemplateError) {
        try self.init(sources: sources, options: options, directory: nil)
    }

    private init(sources: [String: String], options: Options, directory: URL?) throws(TemplateError) {
        var lines = SourceLines()
        for (name, source) in sources { lines.add(template: name, source: source) }
        var parsed: [String: ParsedTemplate] = [:]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            var lexer = Lexer(name: name, source: source, sources: lines)
            var parser = Parser(name: name, segments: try lexer.segments(), sources: lines)
            parsed[name] = try parser.parse()
        }
        let linker = Linker(templates: parsed, sources: lines)
        var compiled: [String: Compiled] = [:]
        for name in parsed.keys.sorted() {
            var compiler = Compiler(templateName: name, sources: lines)
            let program = try compiler.compile(try linker.resolve(name))
            compiled[name] = Compiled(program: program, fragments: compiler.fragments)
        }
        self.compiled = compiled
        self.options = options
        self.directory = directory
    }

    /// A fresh library from the same folder, for development reloads.
    public func reloaded() throws(TemplateError) -> TemplateLibrary {
        guard let directory else { return self }
        return try TemplateLibrary(directory: directory, options: options)
    }

    public var templateNames: [String] { compiled.keys.sorted() }

    public func fragmentNames(of template: String) -> [String] {
        compiled[template]?.fragments.keys.sorted() ?? []
    }

    /// Renders a whole template.
    public func render(_ name: String, _ context: [String: TemplateValue]) throws(TemplateError) -> [UInt8] {
        try render(name, fragments: nil, context) { Array($0) }
    }

    /// Renders one fragment alone: the same bytes as its region in the full render.
    public func render(_ name: String, fragment: String, _ context: [String: TemplateValue]) throws(TemplateError) -> [UInt8] {
        try render(name, fragments: [fragment], context) { Array($0) }
    }

    /// Renders several fragments one after another (a swap plus out-of-band swaps).
    public func render(_ name: String, fragments: [String], _ context: [String: TemplateValue]) throws(TemplateError) -> [UInt8] {
        try render(name, fragments: fragments, context) { Array($0) }
    }

    /// Renders the whole template (`fragments` nil) or the named fragments one after
    /// another, and hands the bytes to `body` to copy where they go (a response buffer),
    /// so a page is copied once after rendering.
    public func render<Result>(
        _ name: String, fragments: [String]?, _ context: [String: TemplateValue], _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(TemplateError) -> Result {
        var programs: [Program] = []
        if let fragments {
            for fragment in fragments { programs.append(try fragmentProgram(name, fragment)) }
        } else {
            programs.append(try program(name))
        }
        var renderer = Renderer(
            globals: context, strict: options.strictVariables, slotCount: programs.map(\.slotCount).max() ?? 0, buffers: buffers)
        for program in programs { try renderer.run(program) }
        return renderer.out.withBytes(body)
    }

    public func renderString(_ name: String, _ context: [String: TemplateValue]) throws(TemplateError) -> String {
        try render(name, fragments: nil, context) { String(decoding: $0, as: UTF8.self) }
    }

    public func renderString(_ name: String, fragment: String, _ context: [String: TemplateValue]) throws(TemplateError) -> String {
        try render(name, fragments: [fragment], context) { String(decoding: $0, as: UTF8.self) }
    }

    private func program(_ name: String) throws(TemplateError) -> Program {
        guard let entry = compiled[name] else { throw TemplateError(.unknownName, "unknown template '\(name)'", at: nil) }
        return entry.program
    }

    private func fragmentProgram(_ name: String, _ fragment: String) throws(TemplateError) -> Program {
        guard let entry = compiled[name] else { throw TemplateError(.unknownName, "unknown template '\(name)'", at: nil) }
        guard let program = entry.fragments[fragment] else {
            throw TemplateError(.unknownName, "template '\(name)' has no fragment '\(fragment)'", at: nil)
        }
        return program
    }

    private static func readFolder(_ directory: URL) throws(TemplateError) -> [String: String] {
        let root = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw TemplateError(.io, "cannot read template folder \(root)", at: nil)
        }
        var sources: [String: String] = [:]
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".html") else { continue }
            let path = root + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TemplateError(.io, "cannot read \(path)", at: nil)
            }
            sources[String(relative.dropLast(5))] = String(decoding: data, as: UTF8.self)
        }
        return sources
    }
}
