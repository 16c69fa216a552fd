import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import WebApp

/// SPEC §3 and §4, the key-value store: values kept as sent, ETags and conditional writes,
/// the key rules and limits, and strict isolation between users.
@Suite(.closingTestApps) struct KeyValueAPITests {
    func error(_ response: TestResponse) throws -> String? {
        (try response.json()["error"] as? [String: Any])?["code"] as? String
    }

    @Test func aValueIsKeptAsSentWithItsETag() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let document = #"{ "theme": "dark",  "sizes": [1, 2.5, null], "nested": {"ok": true} }"#
            let created = try await client.api(.put, "/api/v1/kv/ui.prefs", json: document, token: ada.access)
            #expect(created.status == .created)
            let etag = try #require(created.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 34)
            #expect(created.headers[.location] == "/api/v1/kv/ui.prefs")
            #expect(try created.json()["key"] as? String == "ui.prefs" && (created.json()["etag"] as? String) == etag)

            let read = try await client.api(.get, "/api/v1/kv/ui.prefs", token: ada.access)
            #expect(read.status == .ok && read.text == document, "the value exactly as it was put")
            #expect(read.headers[.eTag] == etag && read.headers[.contentType] == "application/json")

            let replaced = try await client.api(.put, "/api/v1/kv/ui.prefs", json: "42", token: ada.access)
            #expect(replaced.status == .ok && replaced.headers[.eTag] != etag)
            #expect(try await client.api(.get, "/api/v1/kv/ui.prefs", token: ada.access).text == "42", "any JSON document, scalars too")
            #expect(try await client.api(.put, "/api/v1/kv/a:b-c_D.9", json: #""text""#, token: ada.access).status == .created)
            #expect(try await client.api(.put, "/api/v1/kv/nothing", json: "null", token: ada.access).status == .created)

            let keys = try await client.api(.get, "/api/v1/kv", token: ada.access)
            #expect(try keys.json()["keys"] as? [String] == ["a:b-c_D.9", "nothing", "ui.prefs"])

            #expect(try await client.api(.delete, "/api/v1/kv/ui.prefs", token: ada.access).status == .noContent)
            let gone = try await client.api(.get, "/api/v1/kv/ui.prefs", token: ada.access)
            #expect(try gone.status == .notFound && error(gone) == "key_not_found")
            #expect(try await client.api(.delete, "/api/v1/kv/ui.prefs", token: ada.access).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/kv", token: nil).status == .unauthorized)
        }
    }

    @Test func conditionalWritesCompareTheETag() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            func put(_ body: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
                try await client.api(.put, "/api/v1/kv/draft", json: body, token: ada.access, headers: headers)
            }
            func current() async throws -> String {
                try await client.api(.get, "/api/v1/kv/draft", token: ada.access).text
            }
            #expect(try await put("1", [.ifMatch: "*"]).status == .preconditionFailed, "If-Match fails when there is no value")
            #expect(try await put("1", [.ifNoneMatch: "*"]).status == .created, "create only if absent")
            let first = try #require(try await client.api(.get, "/api/v1/kv/draft", token: ada.access).headers[.eTag])
            let again = try await put("2", [.ifNoneMatch: "*"])
            #expect(try again.status == .preconditionFailed && error(again) == "precondition_failed")
            #expect(try await current() == "1", "a refused write changes nothing")

            #expect(try await put("2", [.ifMatch: #""0123456789abcdef0123456789abcdef""#]).status == .preconditionFailed)
            #expect(try await put("2", [.ifMatch: "W/\(first)"]).status == .preconditionFailed, "If-Match compares strongly")
            let second = try await put("2", [.ifMatch: #""other", \#(first)"#])
            #expect(second.status == .ok, "one of a list matches")
            let secondTag = try #require(second.headers[.eTag])
            #expect(try await put("3", [.ifMatch: first]).status == .preconditionFailed, "a lost update is refused")
            #expect(try await put("3", [.ifNoneMatch: "W/\(secondTag)"]).status == .preconditionFailed, "If-None-Match compares weakly")
            #expect(try await current() == "2")

            let notModified = try await client.api(.get, "/api/v1/kv/draft", token: ada.access, headers: [.ifNoneMatch: secondTag])
            #expect(notModified.status == .notModified && notModified.headers[.eTag] == secondTag && notModified.body.readableBytes == 0)
            #expect(try await client.api(.get, "/api/v1/kv/draft", token: ada.access, headers: [.ifNoneMatch: first]).status == .ok)

            #expect(try await client.api(.delete, "/api/v1/kv/draft", token: ada.access, headers: [.ifMatch: first]).status == .preconditionFailed)
            #expect(try await current() == "2")
            #expect(try await client.api(.delete, "/api/v1/kv/draft", token: ada.access, headers: [.ifMatch: secondTag]).status == .noContent)
        }
    }

    @Test func badKeysAndValuesAreRefusedAndChangeNothing() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            for key in [String(repeating: "k", count: 129), "a%20b", "caf%C3%A9", "a%2Fb", "semi;colon"] {
                for method in [HTTPRequest.Method.put, .get, .delete] {
                    let response = try await client.api(method, "/api/v1/kv/\(key)", json: method == .put ? "1" : nil, token: ada.access)
                    #expect(response.status == .unprocessableContent, "\(method) \(key)")
                    #expect(try error(response) == "validation_failed")
                }
            }
            #expect(try await client.api(.put, "/api/v1/kv/\(String(repeating: "k", count: 128))", json: "1", token: ada.access).status == .created)
            #expect(try await client.api(.put, "/api/v1/kv/a%3Ab", json: "1", token: ada.access).status == .created, "a percent-encoded key")
            #expect(try await client.api(.get, "/api/v1/kv/a:b", token: ada.access).status == .ok)

            for body in ["{nope", "", "[1,", "{\"a\":1} trailing"] {
                let response = try await client.api(.put, "/api/v1/kv/bad", json: body, token: ada.access)
                #expect(try response.status == .badRequest && error(response) == "malformed_json", "\(body)")
            }
            let limit = KeyValueService.maxValueBytes
            let fits = "\"" + String(repeating: "x", count: limit - 2) + "\""
            #expect(try await client.api(.put, "/api/v1/kv/big", json: fits, token: ada.access).status == .created, "64 KiB exactly")
            let tooBig = try await client.api(.put, "/api/v1/kv/big", json: "\"" + String(repeating: "y", count: limit - 1) + "\"", token: ada.access)
            #expect(try tooBig.status == .contentTooLarge && error(tooBig) == "value_too_large", "\(tooBig.status) \(tooBig.text)")
            #expect(try await client.api(.get, "/api/v1/kv/big", token: ada.access).text == fits)
            #expect(try await client.api(.get, "/api/v1/kv/bad", token: ada.access).status == .notFound)
        }
    }

    @Test func theThousandAndFirstKeyIsRefused() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let now = app.timestamp(Date())
            let keys = (0..<(KeyValueService.maxKeys - 1)).map { "(\(ada.id), 'k\($0)', '1', '\"e\"', \(now))" }
            try await app.execute("INSERT INTO key_values (user_id, key, value, etag, updated_at) VALUES \(keys.joined(separator: ", "))")
            #expect(try await client.api(.put, "/api/v1/kv/last", json: "1", token: ada.access).status == .created, "the thousandth")
            let over = try await client.api(.put, "/api/v1/kv/one-more", json: "1", token: ada.access)
            #expect(try over.status == .conflict && error(over) == "too_many_keys")
            #expect(try await client.api(.put, "/api/v1/kv/k5", json: "2", token: ada.access).status == .ok, "replacing a key is fine at the limit")
            #expect(try await client.api(.get, "/api/v1/kv/one-more", token: ada.access).status == .notFound)
            #expect(try await client.api(.delete, "/api/v1/kv/k5", token: ada.access).status == .noContent)
            #expect(try await client.api(.put, "/api/v1/kv/one-more", json: "1", token: ada.access).status == .created, "room again after a delete")
        }
    }

    @Test func nobodySeesAnotherUsersKeys() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let bob = try await client.apiSignup("bob")
            #expect(try await client.api(.put, "/api/v1/kv/secret", json: #""ada's""#, token: ada.access).status == .created)
            #expect(try await client.api(.get, "/api/v1/kv/secret", token: bob.access).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/kv", token: bob.access).json()["keys"] as? [String] == [])
            #expect(try await client.api(.delete, "/api/v1/kv/secret", token: bob.access).status == .notFound)
            #expect(try await client.api(.put, "/api/v1/kv/secret", json: #""bob's""#, token: bob.access).status == .created, "the same key is bob's own")
            #expect(try await client.api(.get, "/api/v1/kv/secret", token: ada.access).text == #""ada's""#)
            #expect(try await client.api(.get, "/api/v1/kv/secret", token: bob.access).text == #""bob's""#)
        }
    }
}
