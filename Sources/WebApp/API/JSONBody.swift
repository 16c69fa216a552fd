import Domain
import Foundation
import Hummingbird

/// Reads a JSON request body: over 1 MiB → 413, not JSON → 400 `malformed_json`, JSON of
/// the wrong shape or type → 422 `validation_failed` naming the field.
enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an RFC 3339 timestamp")
            }
            return date
        }
        return decoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer: buffer)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw AppError.malformedJSON
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AppError.validation(fieldErrors(error))
        }
    }

    private static func fieldErrors(_ error: DecodingError) -> FieldErrors {
        func name(_ path: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (path + (last.map { [$0] } ?? [])).map { key in key.intValue.map(String.init) ?? snakeCase(key.stringValue) }
            return keys.isEmpty ? "body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldErrors([name(context.codingPath, key): "is required"])
        case .typeMismatch(let type, let context):
            return FieldErrors([name(context.codingPath): "must be \(describe(type))"])
        case .valueNotFound(let type, let context):
            return FieldErrors([name(context.codingPath): "must be \(describe(type))"])
        case .dataCorrupted(let context):
            return FieldErrors([name(context.codingPath): context.debugDescription])
        @unknown default:
            return FieldErrors(["body": "is not valid"])
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a \(type)".lowercased()
        }
    }

    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
    }
}
