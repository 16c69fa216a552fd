import Domain
import Foundation
import Hummingbird

/// A JSON request body read field by field. Over the body limit → 413, not JSON → 400
/// `malformed_json`, not an object → 422 on `body`. Each accessor notes a problem instead
/// of stopping, so `checked()` names every field that is missing, `null` where null means
/// nothing, or of the wrong type — all in one 422.
///
/// `null` is accepted only where the API gives it a meaning (declared nullable in the
/// OpenAPI document): `estimate_pomodoros: null` clears the estimate and `task_id: null`
/// names no task. Elsewhere `null` is refused as "must not be null" rather than taken as
/// absent. Text may not contain the NUL character (SQLite would end the stored text there).
struct JSONBody {
    private let members: [String: JSONValue]
    private(set) var problems = FieldErrors()

    init(members: [String: JSONValue]) { self.members = members }

    static let decoder = JSONDecoder()

    static func read(_ request: Request, context: some RequestContext) async throws -> JSONBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let value: JSONValue
        do {
            value = try decoder.decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw AppError.malformedJSON
        }
        guard case .object(let members) = value else { throw AppError.validation("body", "must be a JSON object") }
        return JSONBody(members: members)
    }

    /// The body when one was sent; an empty body reads as `{}`.
    static func readOptional(_ request: Request, context: some RequestContext) async throws -> JSONBody {
        if request.headers[.contentLength] == "0" || (request.headers[.contentType] == nil && request.headers[.contentLength] == nil) {
            return JSONBody(members: [:])
        }
        return try await read(request, context: context)
    }

    /// Throws one 422 naming every problem noted so far.
    func checked() throws(AppError) {
        if !problems.isEmpty { throw AppError.validation(problems) }
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = present(key, required: required) else { return nil }
        guard case .string(let text) = value else { return mismatch(key, "must be a string") }
        guard !text.utf8.contains(0) else { return mismatch(key, "must not contain the NUL character") }
        return text
    }

    mutating func integer(_ key: String, required: Bool = false) -> Int? {
        guard let value = present(key, required: required) else { return nil }
        switch value {
        case .integer(let number):
            guard let exact = Int(exactly: number) else { return mismatch(key, "is out of range") }
            return exact
        case .number(let number) where number.rounded() == number:
            return mismatch(key, "is out of range")
        default:
            return mismatch(key, "must be an integer")
        }
    }

    /// An integer that may be `null`: absent → nil, `null` → `.some(nil)`.
    mutating func nullableInteger(_ key: String) -> Int?? {
        if case .null = members[key] { return .some(nil) }
        return integer(key).map { .some($0) }
    }

    mutating func identifier(_ key: String) -> Int64? {
        if case .null = members[key] { return nil }
        return integer(key).map(Int64.init)
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = present(key, required: false) else { return nil }
        guard case .bool(let flag) = value else { return mismatch(key, "must be true or false") }
        return flag
    }

    mutating func date(_ key: String, required: Bool = false) -> Date? {
        guard let value = present(key, required: required) else { return nil }
        guard case .string(let text) = value, let date = RFC3339.date(text) else {
            return mismatch(key, "must be an RFC 3339 timestamp")
        }
        return date
    }

    /// An array of strings.
    mutating func strings(_ key: String) -> [String]? {
        guard let value = present(key, required: false) else { return nil }
        guard case .array(let items) = value else { return mismatch(key, "must be an array of strings") }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else { return mismatch(key, "must be an array of strings") }
            result.append(text)
        }
        return result
    }

    /// A nested object, read with its own field names (its problems join this body's).
    mutating func object(_ key: String) -> JSONBody? {
        guard let value = present(key, required: false) else { return nil }
        guard case .object(let members) = value else { return mismatch(key, "must be an object") }
        return JSONBody(members: members)
    }

    mutating func note(_ other: FieldErrors) { problems = problems.merging(other) }

    /// Fields the server keeps for itself are refused by name.
    mutating func refuse(_ keys: String..., because reason: String) {
        for key in keys where members[key] != nil { problems[key] = reason }
    }

    private mutating func present(_ key: String, required: Bool) -> JSONValue? {
        switch members[key] {
        case nil:
            if required { problems[key] = "is required" }
            return nil
        case .null:
            problems[key] = "must not be null"
            return nil
        case let value?:
            return value
        }
    }

    private mutating func mismatch<T>(_ key: String, _ problem: String) -> T? {
        problems[key] = problem
        return nil
    }
}
