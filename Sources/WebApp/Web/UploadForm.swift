import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A submitted `multipart/form-data` form (the import upload): its text fields and its
/// one file. Read with multipart-kit's parser; a body that is not such a form is a 400.
struct UploadForm: Sendable {
    var fields: [String: String] = [:]
    var file: Data?
    var filename: String?

    static let malformed = AppError(.badRequest, "malformed_form", "The upload was not a valid multipart form; choose the file again.")

    /// The form in `body`, sent with `contentType` (which names the boundary).
    static func parse(_ body: ByteBuffer, contentType: String?) throws(AppError) -> UploadForm {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(contentType) else {
            throw malformed
        }
        var form = UploadForm()
        var parts: [MultipartPart] = []
        let parser = MultipartParser(boundary: boundary)
        var current = MultipartPart(headers: [:], body: ByteBuffer())
        parser.onHeader = { name, value in current.headers.add(name: name, value: value) }
        parser.onBody = { chunk in current.body.writeImmutableBuffer(chunk) }
        parser.onPartComplete = {
            parts.append(current)
            current = MultipartPart(headers: [:], body: ByteBuffer())
        }
        do {
            try parser.execute(body)
        } catch {
            throw malformed
        }
        for part in parts {
            guard let name = part.name else { continue }
            if let filename = Self.parameter("filename", of: part.headers.first(name: "Content-Disposition") ?? "") {
                if form.file == nil {
                    form.file = Data(buffer: part.body)
                    form.filename = filename
                }
            } else if form.fields[name] == nil {
                form.fields[name] = String(buffer: part.body)
            }
        }
        return form
    }

    /// The form's CSRF field, for the session middleware (nil when there is none).
    static func csrfToken(_ body: ByteBuffer, contentType: String?) -> String? {
        try? parse(body, contentType: contentType).fields["_csrf"]
    }

    private static func boundary(_ contentType: String) -> String? {
        parameter("boundary", of: contentType).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Parameter `name` of a header value such as `form-data; name="file"; filename="a.csv"`.
    private static func parameter(_ name: String, of header: String) -> String? {
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
        }
        return nil
    }
}
