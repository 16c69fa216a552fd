import Foundation
import Hummingbird
import Synchronization
import Templates

/// Renders pages and fragments from the template library. A request from the page's
/// script (`HX-Request: true`) gets only the named fragment; the same URL without it gets
/// the whole page. Every such response says `Vary: HX-Request`.
final class Views: Sendable {
    private let current: Mutex<TemplateLibrary>
    private let watch: TemplateFolderWatch?

    /// Loads every template of `directory`; a broken template stops start-up here.
    /// `reloading` (development) rebuilds the library when a template file changed (its
    /// folder is looked at most once per `checkInterval`); `strict` makes a missing
    /// variable an error (development and test) rather than an empty value.
    init(directory: URL, reloading: Bool, strict: Bool, checkInterval: Duration = .milliseconds(500)) throws {
        current = Mutex(try TemplateLibrary(directory: directory, options: .init(strictVariables: strict)))
        watch = reloading ? TemplateFolderWatch(directory: directory, interval: checkInterval) : nil
    }

    static var bundledDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Views")  // safe: the folder is a declared resource
    }

    /// How many times the library was rebuilt because a file changed.
    var reloads: Int { watch?.reloads ?? 0 }

    var library: TemplateLibrary {
        if let watch, watch.changed(), let fresh = try? current.withLock({ try $0.reloaded() }) {
            current.withLock { $0 = fresh }
        }
        return current.withLock { $0 }
    }

    /// The whole page, or for script requests the fragment (or fragments) named.
    func page(
        _ template: String, fragments: [String] = [], status: HTTPResponse.Status = .ok,
        _ values: consuming [String: TemplateValue], context: some PageContext
    ) throws -> Response {
        try respond(template, fragments: context.isHXRequest && !fragments.isEmpty ? fragments : nil, status: status, values, context: context)
    }

    /// Only the named fragments, whoever asked (for swaps that have no page of their own).
    func fragments(
        _ template: String, _ names: [String], status: HTTPResponse.Status = .ok, _ values: consuming [String: TemplateValue], context: some PageContext
    ) throws -> Response {
        try respond(template, fragments: names, status: status, values, context: context)
    }

    /// The whole template (`fragments` nil) or the named fragments; the rendered bytes are
    /// copied once, into the response's buffer.
    private func respond(
        _ template: String, fragments: [String]?, status: HTTPResponse.Status, _ values: consuming [String: TemplateValue], context: some PageContext
    ) throws -> Response {
        let body = try library.render(template, fragments: fragments, Self.withCommon(values, context)) { ByteBuffer(bytes: $0) }
        return Self.html(body, status: status)
    }

    /// The bytes of the named fragments, to combine several templates in one response.
    func render(_ template: String, _ fragments: [String], _ values: [String: TemplateValue], context: some PageContext) throws -> [UInt8] {
        try library.render(template, fragments: fragments, Self.withCommon(values, context))
    }

    static func html(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        html(ByteBuffer(bytes: bytes), status: status)
    }

    static func html(_ body: ByteBuffer, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.vary] = "HX-Request"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// `values` and what every page's layout needs (a value of the caller's own wins).
    /// Added in place: the caller hands its dictionary over, so no copy is rehashed.
    static func withCommon(_ values: consuming [String: TemplateValue], _ context: some PageContext) -> [String: TemplateValue] {
        var values = values
        let user: TemplateValue = context.signedInUser.map {
            ["username": .string($0.username), "is_admin": .bool($0.isAdmin), "incoming_requests": .int(context.incomingFriendRequests)]
        } ?? .null
        for (key, value) in [
            ("csrf_token", TemplateValue.string(context.csrfToken)), ("request_id", .string(context.requestID)), ("current_user", user),
            ("current_path", .string(context.path)),
        ]
        where values[key] == nil {
            values[key] = value
        }
        return values
    }
}
