import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import WebApp

/// SPEC §3: `GET /api/v1/openapi.json` is an OpenAPI 3.1 document that matches the
/// routes — the same paths and methods as the router, every reference resolving, and
/// the main shapes listing exactly the fields the API sends.
@Suite(.closingTestApps) struct OpenAPITests {
    func document(_ client: any TestClientProtocol) async throws -> [String: Any] {
        let response = try await client.api(.get, "/api/v1/openapi.json")
        #expect(response.status == .ok && response.headers[.contentType] == "application/json", "public, no token needed")
        return try response.json()
    }

    @Test func itListsExactlyTheRoutesOfTheAPI() async throws {
        let app = try await TestApp.make()
        let routes = Set(AppRouter.build(app.services).routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains(" /api/v1/") || $0.contains(" /cal/") })
        try await app.test { client in
            let document = try await document(client)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(documented.subtracting(routes).isEmpty, "documented but not routed: \(documented.subtracting(routes).sorted())")
            #expect(routes.subtracting(documented).isEmpty, "routed but not documented: \(routes.subtracting(documented).sorted())")
            #expect(routes.count > 30)
        }
    }

    @Test func everyOperationIsComplete() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let document = try await document(client)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            for (path, operations) in paths {
                let placeholders = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                for (method, operation) in operations {
                    let responses = try #require(operation["responses"] as? [String: Any], "\(method) \(path)")
                    #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has a success response")
                    let parameters = (operation["parameters"] as? [[String: Any]]) ?? []
                    let inPath = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                    #expect(inPath == placeholders, "\(method) \(path) declares its path parameters")
                    #expect(operation["security"] != nil, "\(method) \(path) says whether it needs a token")
                }
            }
            // Every `$ref` names a schema that exists.
            func references(in value: Any) -> [String] {
                switch value {
                case let object as [String: Any]:
                    let own = (object["$ref"] as? String).map { [String($0.dropFirst("#/components/schemas/".count))] } ?? []
                    return own + object.values.flatMap(references)
                case let array as [Any]: return array.flatMap(references)
                default: return []
                }
            }
            let names = references(in: document)
            #expect(names.count > 40)
            for name in names { #expect(schemas[name] != nil, "\(name) is defined") }
        }
    }

    /// The documented properties of each main shape are exactly the fields a real
    /// response carries.
    @Test func theShapesAreWhatTheAPISends() async throws {
        let app = try await TestApp.make()
        try await app.addAdmin()
        try await app.test { client in
            let document = try await document(client)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            func expectShape(_ name: String, _ object: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let properties = try #require(schemas[name]?["properties"] as? [String: Any], sourceLocation: sourceLocation)
                let fields = try #require(object as? [String: Any], "\(name): \(String(describing: object))", sourceLocation: sourceLocation)
                #expect(Set(properties.keys) == Set(fields.keys), "\(name)", sourceLocation: sourceLocation)
            }
            let signup = try await client.api(.post, "/api/v1/auth/signup", json: #"{"username":"ada","password":"correct horse battery"}"#)
            let tokens = try signup.json()
            let ada = try #require(tokens["access_token"] as? String)
            try expectShape("TokenResponse", tokens)
            try expectShape("User", try await client.api(.get, "/api/v1/me", token: ada).json())
            try expectShape("Settings", (try await client.api(.get, "/api/v1/me", token: ada).json())["settings"])

            let task = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"Write"}"#, token: ada).json()
            try expectShape("Task", task)
            let list = try await client.api(.get, "/api/v1/tasks", token: ada).json()
            try expectShape("TaskList", list)
            try expectShape("TimerState", try await client.api(.get, "/api/v1/timer", token: ada).json())
            let started = try await client.api(.post, "/api/v1/timer/start", json: "{}", token: ada).json()
            try expectShape("Timer", started)
            try expectShape("Streak", try await client.api(.get, "/api/v1/streak", token: ada).json())
            let end = app.clock.now
            let session = #"{"session_id":"s1","start_time":"\#(RFC3339.string(end.addingTimeInterval(-1500)))","end_time":"\#(RFC3339.string(end))"}"#
            let recorded = try await client.api(.post, "/api/v1/sessions", json: session, token: ada).json()
            try expectShape("SessionResult", recorded)
            try expectShape("Session", recorded["session"])

            let bob = try await client.apiSignup("bob")
            let request = try await client.api(.post, "/api/v1/friends/requests", json: #"{"username":"bob"}"#, token: ada).json()
            try expectShape("FriendRequest", request)
            try expectShape("Friends", try await client.api(.get, "/api/v1/friends", token: ada).json())
            let requestID = try #require(request["id"] as? Int)
            try expectShape("Friend", try await client.api(.post, "/api/v1/friends/requests/\(requestID)/accept", token: bob.access).json())
            try expectShape("LeaderboardItem", (try await client.api(.get, "/api/v1/leaderboard", token: ada).json()["items"] as? [Any])?.first)
            try expectShape("KeyWritten", try await client.api(.put, "/api/v1/kv/k", json: "1", token: ada).json())

            let root = try await client.apiLogin("root")
            let page = try await client.api(.get, "/api/v1/admin/users", token: root).json()
            try expectShape("AdminPage", page)
            try expectShape("AdminUser", (page["items"] as? [Any])?.first)
            let error = try await client.api(.get, "/api/v1/tasks/999", token: ada).json()
            try expectShape("Error", error)
        }
    }

    /// The rules the server checks with its own code appear in the document as the same
    /// rules: white space, time zones, and the bounds of the main fields.
    @Test func itDeclaresTheRulesTheServerEnforces() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let document = try await document(client)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            #expect(Set(schemas["TimeZoneName"]?["enum"] as? [String] ?? []) == TimeZoneName.known)
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            func properties(_ path: String, _ method: String) -> [String: [String: Any]] {
                let body = paths[path]?[method]?["requestBody"] as? [String: Any]
                let schema = ((body?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                return schema?["properties"] as? [String: [String: Any]] ?? [:]
            }
            let task = properties("/api/v1/tasks", "post")
            #expect(task["title"]?["pattern"] as? String == "[^" + TextRules.whitespaceClass + "]", "the server's white space, character for character")
            #expect(task["title"]?["maxLength"] as? Int == 200 && task["description"]?["maxLength"] as? Int == 5000)
            let signup = properties("/api/v1/auth/signup", "post")
            #expect(signup["username"]?["pattern"] as? String == "^[A-Za-z0-9_.-]{3,32}$")
            #expect(signup["password"]?["minLength"] as? Int == 8 && signup["password"]?["maxLength"] as? Int == 256)
            #expect(properties("/api/v1/timer/start", "post")["minutes"]?["maximum"] as? Int == 180)
            let settings = properties("/api/v1/me", "patch")["settings"]?["properties"] as? [String: [String: Any]]
            #expect(settings?["long_break_every"]?["maximum"] as? Int == 12)
        }
    }

    @Test func aFeatureFileCannotDefineANameTwice() throws {
        let folder = TemporaryFolders.new("fq-openapi")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"{"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"Error": {}}}}"#.write(to: folder.appendingPathComponent("base.json"), atomically: true, encoding: .utf8)
        try #"{"paths": {"/a": {}}, "components": {"schemas": {"A": {}}}}"#.write(to: folder.appendingPathComponent("one.json"), atomically: true, encoding: .utf8)
        let merged = try JSONSerialization.jsonObject(with: OpenAPIController.merged(folder: folder)) as? [String: Any]
        #expect((merged?["paths"] as? [String: Any])?.keys.sorted() == ["/a"])
        try #"{"paths": {"/a": {}}}"#.write(to: folder.appendingPathComponent("two.json"), atomically: true, encoding: .utf8)
        #expect(throws: OpenAPIController.Invalid.self) { try OpenAPIController.merged(folder: folder) }
    }
}
