import Foundation
import Hummingbird

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the JSON API, public, read
/// once at start-up from the bundled `openapi.json`. `OpenAPITests` prove it lists
/// exactly the routes the router has and that its main shapes are the ones the API sends.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    struct Missing: Error, CustomStringConvertible {
        var description: String { "the bundled openapi.json is missing" }
    }

    static func bundled() throws -> OpenAPIController {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else { throw Missing() }
        return OpenAPIController(document: ByteBuffer(data: try Data(contentsOf: url)))
    }

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"], body: .init(byteBuffer: document))
        }
    }
}
