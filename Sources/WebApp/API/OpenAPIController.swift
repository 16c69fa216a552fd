import Domain
import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the JSON API, public. It is
/// kept as one file per feature (`Resources/openapi/*.json`: `base.json` holds the
/// document's head and shared parts, each other file its feature's paths and schemas)
/// so features do not all edit one file; they are merged once at start-up, and a name
/// defined twice stops the server. Schemas whose content comes from the server's own
/// rules are added then too (``generatedSchemas``: the time zones it accepts, from the
/// same list it checks against). `OpenAPITests` prove the merged document lists
/// exactly the routes the router has and that its main shapes are the ones the API sends.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func bundled() throws -> OpenAPIController {
        guard let folder = Bundle.module.url(forResource: "openapi", withExtension: nil) else { throw Invalid(description: "the bundled openapi folder is missing") }
        return OpenAPIController(document: ByteBuffer(data: try merged(folder: folder, generated: generatedSchemas)))
    }

    static var generatedSchemas: [String: Any] {
        [
            "TimeZoneName": [
                "type": "string", "enum": TimeZoneName.known.sorted(),
                "description": "An IANA time zone name from the server's time zone database, or UTC / GMT",
            ]
        ]
    }

    /// `base.json` with every other file's `paths` and `components`, and the `generated`
    /// schemas, added to it.
    static func merged(folder: URL, generated: [String: Any] = [:]) throws -> Data {
        func object(_ url: URL) throws -> [String: Any] {
            guard let value = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw Invalid(description: "\(url.lastPathComponent) is not a JSON object")
            }
            return value
        }
        var document = try object(folder.appendingPathComponent("base.json"))
        var components = document["components"] as? [String: Any] ?? [:]
        components["schemas"] = try add(generated, to: components["schemas"], what: "schema", file: folder)
        document["components"] = components
        let parts = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" && $0.lastPathComponent != "base.json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for part in parts {
            let feature = try object(part)
            document["paths"] = try add(feature["paths"], to: document["paths"], what: "path", file: part)
            var components = document["components"] as? [String: Any] ?? [:]
            for (kind, entries) in feature["components"] as? [String: Any] ?? [:] {
                components[kind] = try add(entries, to: components[kind], what: "components.\(kind) entry", file: part)
            }
            document["components"] = components
        }
        document["paths"] = scoped(document["paths"] as? [String: Any] ?? [:])
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Every operation that takes a bearer token names the scope a personal access token
    /// needs for it (`read`, `write`, or `session`: a login's token only), from the same
    /// rule the server checks (``RouteScope``).
    static func scoped(_ paths: [String: Any]) -> [String: Any] {
        var result = paths
        for (path, value) in paths {
            guard var operations = value as? [String: Any] else { continue }
            for (method, value) in operations {
                guard var operation = value as? [String: Any], let security = operation["security"] as? [[String: Any]],
                    security.contains(where: { $0["bearer"] != nil })
                else { continue }
                operation["security"] = [["bearer": [RouteScope.required(method: method, path: path).documentName]]]
                operations[method] = operation
            }
            result[path] = operations
        }
        return result
    }

    private static func add(_ entries: Any?, to existing: Any?, what: String, file: URL) throws -> [String: Any] {
        var result = existing as? [String: Any] ?? [:]
        for (name, value) in entries as? [String: Any] ?? [:] {
            guard result[name] == nil else { throw Invalid(description: "\(file.lastPathComponent) defines the \(what) \(name) again") }
            result[name] = value
        }
        return result
    }

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"], body: .init(byteBuffer: document))
        }
    }
}
