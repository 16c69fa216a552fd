import Foundation
import NIOCore
import Testing

@testable import WebApp

@Suite struct UploadFormTests {
    @Test func aMultipartFormGivesItsFieldsAndItsFile() throws {
        let body = [
            "--XyZ", #"Content-Disposition: form-data; name="_csrf""#, "", "token-123",
            "--XyZ", #"Content-Disposition: form-data; name="file"; filename="my export.json""#, "Content-Type: application/json", "", #"{"a":1}"#,
            "--XyZ--", "",
        ].joined(separator: "\r\n")
        let form = try UploadForm.parse(ByteBuffer(string: body), contentType: "multipart/form-data; boundary=XyZ")
        #expect(form.fields["_csrf"] == "token-123")
        #expect(form.filename == "my export.json")
        #expect(form.file == Data(#"{"a":1}"#.utf8))
        #expect(UploadForm.csrfToken(ByteBuffer(string: body), contentType: #"multipart/form-data; boundary="XyZ""#) == "token-123")
        #expect(throws: AppError.self) { try UploadForm.parse(ByteBuffer(string: "nonsense"), contentType: "multipart/form-data") }
    }
}
