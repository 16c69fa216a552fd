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
        }
        let error: Detail
    }

    static func error(_ error: AppError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: error.message, requestId: requestID, fields: error.fields))
        var response = (try? json(body, status: error.status)) ?? Response(status: error.status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// RFC 3339 timestamps in UTC with whole seconds (`2026-11-23T08:55:30Z`).
enum RFC3339 {
    /// Built by hand from the day number and the second of the day: Foundation's format
    /// styles cost microseconds each, and a task list prints 150 timestamps.
    static func string(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = LocalDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
        let second = seconds - day.dayNumber * 86_400
        return "\(day)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// Parses RFC 3339 with or without fractional seconds, any offset.
    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601)) ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
