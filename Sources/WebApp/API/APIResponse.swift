import Domain
import Foundation
import Hummingbird

/// JSON responses of the API: snake_case keys, RFC 3339 UTC timestamps.
enum APIResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONWriter.encode(value, capacity: 16_384)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let requestId: String
            let fields: [String: String]?
            let errors: [ImportProblem]?
        }
        let error: Detail
    }

    static func error(_ error: AppError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: error.message, requestId: requestID, fields: error.fields, errors: error.rows))
        var response = (try? json(body, status: error.status)) ?? Response(status: error.status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        response.headers.append(contentsOf: error.headers)
        return response
    }
}
