import AsyncHTTPClient
import Crypto
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import WebApp

/// A second HTTP server that receives webhooks: it records each request and answers with
/// the statuses it is given (then 200), after `delay`.
final class Receiver: Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: String
    }

    let received = Mutex<[Received]>([])
    let statuses = Mutex<[Int]>([])
    let delay: Duration

    init(statuses: [Int] = [], delay: Duration = .zero) {
        self.statuses.withLock { $0 = statuses }
        self.delay = delay
    }

    var all: [Received] { received.withLock { $0 } }

    func run<T: Sendable>(_ body: @Sendable (_ url: String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }  // lower-case names
            self.received.withLock { $0.append(Received(headers: headers, body: text)) }
            try await Task.sleep(for: self.delay)
            let status = self.statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return Response(status: .init(code: status))
        }
        return try await Application(router: router).test(.live) { client in
            try await body("http://127.0.0.1:\(try #require(client.port))/hook")
        }
    }
}

@Suite(.closingTestApps) struct WebhookTests {
    static func settings(_ schedule: [TimeInterval] = [60, 300]) -> WebhookSettings {
        var settings = WebhookSettings()
        settings.retrySchedule = schedule
        settings.timeout = 2
        return settings
    }

    func dispatcher(_ app: TestApp, _ settings: WebhookSettings) -> WebhookDispatcher {
        WebhookDispatcher(database: app.services.database, clock: app.clock, urls: WebhookURLGuard(strict: false), settings: settings, logger: app.services.logger)
    }

    func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    func session(_ client: any TestClientProtocol, _ token: String, _ id: String, minutes: Int = 40) async throws {
        let end = String(format: "2027-01-15T07:%02d:00Z", minutes)
        let response = try await client.api(
            .post, "/api/v1/sessions", json: #"{"session_id":"\#(id)","start_time":"2027-01-15T07:00:00Z","end_time":"\#(end)"}"#, token: token)
        #expect(response.status == .created, "\(response.text)")
    }

    @Test func aSignedEventArrivesAndIsLogged() async throws {
        let app = try await TestApp.make()
        let receiver = Receiver()
        try await receiver.run { url in
            try await app.test { client in
                let token = try await client.apiSignup("ada").access
                let created = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"\#(url)","events":["session.recorded","level.up"]}"#, token: token)
                #expect(created.status == .created, "\(created.text)")
                let hook = try created.json()
                let secret = try #require(hook["secret"] as? String)
                #expect((try await client.api(.get, "/api/v1/webhooks", token: token).json()["items"] as? [[String: Any]])?.first?["secret"] == nil)
                try await session(client, token, "s1")
                try await withClient { http async throws in #expect(try await dispatcher(app, Self.settings()).deliverDue(using: http) == 1) }
                let delivery = try #require(receiver.all.first)
                let signature = try #require(delivery.headers["x-focusquest-signature"])
                let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }.map { ($0[0], $0[1]) })
                let expected = HMAC<SHA256>.authenticationCode(for: Data("\(parts["t"] ?? "").\(delivery.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                #expect(parts["v1"] == expected.map { String(format: "%02x", $0) }.joined(), "the signature verifies with the secret")
                let event = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any])
                #expect(event["type"] as? String == "session.recorded" && delivery.headers["x-focusquest-event"] == "session.recorded")
                #expect(event["id"] as? String == delivery.headers["x-focusquest-delivery"])
                #expect((event["data"] as? [String: Any])?["session_id"] as? String == "s1")
                let id = try #require(hook["id"] as? Int)
                let log = try #require(try await client.api(.get, "/api/v1/webhooks/\(id)/deliveries", token: token).json()["items"] as? [[String: Any]])
                #expect(log.count == 1 && log[0]["status"] as? String == "delivered" && log[0]["attempt"] as? Int == 1 && log[0]["response_code"] as? Int == 200)
            }
        }
    }

    @Test func aFailedAttemptIsRetriedOnScheduleWithTheSameID() async throws {
        let app = try await TestApp.make()
        let receiver = Receiver(statuses: [500])
        try await receiver.run { url in
            try await app.test { client in
                let token = try await client.apiSignup("ada").access
                let created = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"\#(url)","events":["session.recorded"]}"#, token: token)
                let id = try #require(try created.json()["id"] as? Int)
                try await session(client, token, "s1")
                try await withClient { http async throws in
                    let dispatcher = dispatcher(app, Self.settings())
                    #expect(try await dispatcher.deliverDue(using: http) == 1)
                    #expect(try await dispatcher.deliverDue(using: http) == 0, "not due before its wait")
                    app.clock.advance(by: 61)
                    #expect(try await dispatcher.deliverDue(using: http) == 1)
                }
                #expect(receiver.all.count == 2 && receiver.all[0].headers["x-focusquest-delivery"] == receiver.all[1].headers["x-focusquest-delivery"])
                #expect(receiver.all.first?.headers["x-focusquest-delivery"]?.hasPrefix("evt_") == true, "the id the retry repeats is there")
                let log = try #require(try await client.api(.get, "/api/v1/webhooks/\(id)/deliveries", token: token).json()["items"] as? [[String: Any]])
                #expect(log.map { "\($0["status"] ?? "")/\($0["attempt"] ?? "")/\($0["response_code"] ?? "")" } == ["delivered/2/200", "retrying/1/500"])
            }
        }
    }

    @Test func twentyFailuresInARowDisableAWebhook() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await client.apiSignup("ada").access
            // Nothing listens on port 9 of the loopback: every attempt fails at once.
            let created = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"http://127.0.0.1:9/hook","events":["session.recorded"]}"#, token: token)
            #expect(created.status == .created)
            for index in 1...20 { try await session(client, token, "s\(index)", minutes: 10 + index) }
            let dispatcher = dispatcher(app, Self.settings([]))
            try await withClient { http async throws in
                while try await dispatcher.deliverDue(using: http) > 0 {}
            }
            let hook = try #require((try await client.api(.get, "/api/v1/webhooks", token: token).json()["items"] as? [[String: Any]])?.first)
            #expect(hook["disabled"] as? Bool == true && hook["consecutive_failures"] as? Int == 20)
            let id = try #require(hook["id"] as? Int)
            let log = try #require(try await client.api(.get, "/api/v1/webhooks/\(id)/deliveries", token: token).json()["items"] as? [[String: Any]])
            #expect(log.count == 20 && log.allSatisfy { $0["status"] as? String == "failed" && $0["response_code"] is NSNull })
            try await session(client, token, "s21", minutes: 50)
            try await withClient { http async throws in #expect(try await dispatcher.deliverDue(using: http) == 0, "a disabled webhook gets nothing") }
        }
    }

    @Test func aSlowReceiverDoesNotSlowTheRequest() async throws {
        let app = try await TestApp.make { $0.webhooks.pollInterval = .milliseconds(50) }
        let receiver = Receiver(delay: .seconds(10))
        try await receiver.run { url in
            try await app.test(.live) { client in
                let token = try await client.apiSignup("ada").access
                _ = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"\#(url)","events":["session.recorded"]}"#, token: token)
                let started = ContinuousClock.now
                try await session(client, token, "s1")
                // Well under the receiver's 10 s (waiting for it would take them all), with
                // room for a loaded machine running every suite at once.
                #expect(ContinuousClock.now - started < .seconds(5))
                for _ in 0..<100 where receiver.all.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                #expect(receiver.all.count == 1, "the running server's dispatcher delivered it in the background")
            }
        }
    }

    @Test func badWebhooksAreRefusedByField() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let token = try await client.apiSignup("ada").access
            for (body, field) in [
                (#"{"url":"ftp://example.org/x","events":["session.recorded"]}"#, "url"), (#"{"url":"https://example.org","events":["nap.taken"]}"#, "events"),
                (#"{"url":"https://example.org","events":[]}"#, "events"), (#"{"url":"https://example.org","events":["level.up"],"format":"teams"}"#, "format"),
                (#"{"events":["level.up"]}"#, "url"),
            ] {
                let response = try await client.api(.post, "/api/v1/webhooks", json: body, token: token)
                #expect(response.status == .unprocessableContent && response.errorFields?[field] != nil, "\(body): \(response.text)")
            }
            for _ in 1...10 { #expect(try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"https://example.org/h","events":["level.up"]}"#, token: token).status == .created) }
            let over = try await client.api(.post, "/api/v1/webhooks", json: #"{"url":"https://example.org/h","events":["level.up"]}"#, token: token)
            #expect(over.status == .conflict && over.text.contains("too_many_webhooks"))
        }
    }

    @Test func slackAndDiscordGetAOneLineMessageInTheirShape() async throws {
        let app = try await TestApp.make()
        let user = try await app.services.accounts.signup(username: "ada", password: "correct horse battery", timezone: "UTC")
        let stored = try await app.services.webhooks.create(for: user, url: "https://example.org/h", events: ["session.recorded"], format: nil, ip: "127.0.0.1")
        let payload = #"{"created_at":"2027-01-15T08:00:00Z","data":{"minutes":25,"session_id":"s1"},"id":"evt_1","type":"session.recorded"}"#
        for (format, key) in [(WebhookFormat.slack, "text"), (.discord, "content")] {
            var hook = stored
            hook.format = format
            let body = WebhookDispatcher.body(DueDelivery(outboxID: 1, eventID: "evt_1", event: "session.recorded", payload: payload, attempts: 0, webhook: hook))
            let message = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
            #expect(message == [key: "FocusQuest: 25 minutes of focus recorded."])
        }
        let json = stored
        #expect(WebhookDispatcher.body(DueDelivery(outboxID: 1, eventID: "evt_1", event: "session.recorded", payload: payload, attempts: 0, webhook: json)) == payload)
    }

    @Test func productionRefusesPlainHTTPAndInwardAddresses() async throws {
        let strict = WebhookURLGuard(strict: true)
        #expect(throws: AppError.self) { try strict.checkedShape("http://example.org/hook") }
        let relaxed = WebhookURLGuard(strict: false)
        for refused in ["http://exa_mple.org/", "http://a b/", "https://user:pw@example.org/", "http://example.org:70000/", "mailto:a@b.org"] {
            #expect(throws: AppError.self, "\(refused)") { try relaxed.checkedShape(refused) }
        }
        for accepted in ["http://127.0.0.1:9/hook", "https://[::1]:8443/x?y=1", "HTTPS://Example.org"] {
            #expect(throws: Never.self, "\(accepted)") { try relaxed.checkedShape(accepted) }
        }
        #expect(await strict.resolvesPublicly(URL(string: "https://localhost/hook")!) == false)  // safe: a literal URL
        #expect(await strict.resolvesPublicly(URL(string: "https://127.0.0.1/hook")!) == false)  // safe: a literal URL
        #expect(await strict.resolvesPublicly(URL(string: "https://[::1]/hook")!) == false)  // safe: a literal URL
        for (address, isPublic) in [
            ([10, 1, 2, 3], false), ([172, 16, 0, 1], false), ([172, 32, 0, 1], true), ([192, 168, 1, 1], false), ([169, 254, 169, 254], false),
            ([100, 64, 0, 1], false), ([127, 0, 0, 1], false), ([0, 0, 0, 0], false), ([8, 8, 8, 8], true), ([224, 0, 0, 1], false),
        ] as [([UInt8], Bool)] {
            #expect(WebhookURLGuard.isPublic(address) == isPublic, "\(address)")
        }
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1]
        #expect(!WebhookURLGuard.isPublic(mapped) && !WebhookURLGuard.isPublic([0xFE, 0x80] + Array(repeating: 0, count: 14)))
        #expect(!WebhookURLGuard.isPublic([0xFD] + Array(repeating: 0, count: 15)) && WebhookURLGuard.isPublic([0x20, 0x01, 0x48, 0x60] + Array(repeating: 0, count: 12)))
        #expect(await WebhookURLGuard(strict: false).resolvesPublicly(URL(string: "http://127.0.0.1/hook")!))  // safe: a literal URL
    }
}

