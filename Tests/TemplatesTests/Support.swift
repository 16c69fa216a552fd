import Templates
import Testing

/// Renders `source` as the template "t" with `context`.
func render(_ source: String, _ context: [String: TemplateValue] = [:], strict: Bool = true) throws -> String {
    let library = try TemplateLibrary(sources: ["t": source], options: .init(strictVariables: strict))
    return try library.renderString("t", context)
}

/// The error loading `sources` fails with.
func loadError(_ sources: [String: String]) -> TemplateError? {
    do {
        _ = try TemplateLibrary(sources: sources)
        return nil
    } catch {
        return error
    }
}

func loadError(_ source: String) -> TemplateError? { loadError(["t": source]) }
