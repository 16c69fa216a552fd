import Foundation
import Hummingbird
import NIOCore

/// `/api/v1/kv` and `/api/v1/kv/{key}`: the signed-in user's key-value store.
///
/// `PUT` answers 201 (a new key, with `Location`) or 200 with `{key, etag}` and the
/// `ETag` header; `GET` answers the value exactly as it was put, with its `ETag`, or 304
/// when `If-None-Match` names that ETag. A key may arrive percent-encoded (`a%3Ab`).
struct KeyValueAPIController: Sendable {
    let store: KeyValueService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("kv") { _, context in
            try APIResponse.json(["keys": try await store.keys(of: context.user)])
        }
        api.get("kv/:key") { request, context in
            let value = try await store.value(Self.key(context), of: context.user)
            if ETagCondition(ifMatch: nil, ifNoneMatch: request.headers[.ifNoneMatch]).allows(current: value.etag) == false {
                return Response(status: .notModified, headers: [.eTag: value.etag])
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .eTag: value.etag], body: .init(byteBuffer: ByteBuffer(bytes: value.json)))
        }
        api.put("kv/:key") { request, context in
            let key = Self.key(context)
            let json: ByteBuffer
            do {
                json = try await request.body.collect(upTo: KeyValueService.maxValueBytes)
            } catch is NIOTooManyBytesError {
                throw KeyValueService.valueTooLarge
            }
            let (value, created) = try await store.put(key, json: Data(buffer: json), condition: Self.condition(request), of: context.user)
            var response = try APIResponse.json(["key": key, "etag": value.etag], status: created ? .created : .ok)
            response.headers[.eTag] = value.etag
            if created { response.headers[.location] = "/api/v1/kv/\(key)" }
            return response
        }
        api.delete("kv/:key") { request, context in
            try await store.delete(Self.key(context), condition: Self.condition(request), of: context.user)
            return Response(status: .noContent)
        }
    }

    private static func key(_ context: some RequestContext) -> String {
        let raw = context.parameters.get("key") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    private static func condition(_ request: Request) -> ETagCondition {
        ETagCondition(ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch])
    }
}
