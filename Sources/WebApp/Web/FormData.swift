import Domain
import Foundation
import Hummingbird

/// A submitted `application/x-www-form-urlencoded` form, or a query string read the same way.
struct FormData: Sendable {
    let values: [String: String]

    subscript(name: String) -> String? { values[name] }

    /// A value when present and not empty (empty query values count as absent).
    func present(_ name: String) -> String? {
        self[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A posted form. A field holding the NUL character is refused (422 naming it): SQLite
    /// would end stored text there, so what is kept would differ from what was sent.
    static func read(_ request: Request, context: some RequestContext) async throws -> FormData {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let form = FormData(encoded: String(buffer: buffer))
        var problems = FieldErrors()
        for (name, value) in form.values where value.utf8.contains(0) { problems[name] = "must not contain the NUL character" }
        if !problems.isEmpty { throw AppError.validation(problems) }
        return form
    }

    /// The query string, decoded like a form (`+` is a space), as browsers send it.
    init(query request: Request) {
        self.init(encoded: request.uri.query ?? "")
    }

    init(encoded: String) {
        var values: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            if values[name] == nil { values[name] = value }
        }
        self.values = values
    }

    private static func decode(_ text: Substring) -> String? {
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) { return String(text) }
        return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
