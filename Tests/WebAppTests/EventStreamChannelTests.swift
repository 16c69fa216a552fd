import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import WebApp

/// The event streams served on the connection's channel (``EventStreamHandler``) over a
/// real socket: on a connection that served other requests first, refused streams
/// answered by the router with the connection going on, and the server's shutdown ending
/// open streams. (The stream's contract itself is in `Tests/e2e/test_live.py`.)
@Suite(.closingTestApps) struct EventStreamChannelTests {
    @Test func aStreamOnAConnectionThatServedOtherRequestsCarriesChangesAndEndsWithItsToken() async throws {
        let app = try await TestApp.make()
        try await app.test(.live) { client in
            let ada = try await client.apiSignup("ada")
            let socket = try RawHTTP.connection(port: try #require(client.port))
            defer { close(socket) }
            RawHTTP.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n", on: socket)
            #expect(try await RawHTTP.read(until: #"{"status":"ok"}"#, on: socket).hasPrefix("HTTP/1.1 200"))
            RawHTTP.send(Self.events(ada.access), on: socket)
            let opened = try await RawHTTP.read(until: "event: sync", on: socket)
            #expect(opened.hasPrefix("HTTP/1.1 200"))
            #expect(opened.contains("Content-Type: text/event-stream") && opened.contains("Cache-Control: no-store"))
            #expect(opened.contains("X-Content-Type-Options: nosniff"), "the security headers every answer carries")
            _ = try await client.api(.post, "/api/v1/tasks", json: #"{"title":"Seen live"}"#, token: ada.access)
            #expect(try await RawHTTP.read(until: "event: tasks", on: socket).contains("event: tasks"))
            _ = try await client.api(.post, "/api/v1/auth/logout", json: #"{"everywhere":true}"#, token: ada.access)
            #expect(try await RawHTTP.read(until: "0\r\n\r\n", on: socket).hasSuffix("0\r\n\r\n"), "the body's last chunk")
            #expect(try await RawHTTP.isClosed(socket, within: 5000))
            #expect(app.services.liveEvents.openStreams == 0)
        }
    }

    /// A stream asked for right behind another request (pipelined) starts after that
    /// request's whole answer, never inside it. The request ahead is a sign-in with the
    /// production password cost, so the stream is admitted while that answer is still
    /// being made.
    @Test func aStreamBehindAnUnfinishedAnswerWaitsForIt() async throws {
        let app = try await TestApp.make { $0.argon2 = .standard }
        try await app.test(.live) { client in
            let ada = try await client.apiSignup("ada")
            let socket = try RawHTTP.connection(port: try #require(client.port))
            defer { close(socket) }
            let login = #"{"username":"ada","password":"correct horse battery"}"#
            RawHTTP.send(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(login.utf8.count)\r\n\r\n\(login)"
                    + Self.events(ada.access), on: socket)
            let answers = try await RawHTTP.read(until: "event: sync", on: socket)
            let signIn = try #require(answers.range(of: "HTTP/1.1 200"))
            let stream = try #require(answers.range(of: "HTTP/1.1 200", range: signIn.upperBound..<answers.endIndex))
            #expect(answers[signIn.upperBound..<stream.lowerBound].contains(#""access_token""#), "the sign-in's answer, whole, first")
            #expect(answers[stream.lowerBound...].contains("text/event-stream"))
        }
    }

    @Test func aRefusedStreamIsAnsweredByTheRouterAndTheConnectionGoesOn() async throws {
        let app = try await TestApp.make()
        try await app.test(.live) { client in
            let socket = try RawHTTP.connection(port: try #require(client.port))
            defer { close(socket) }
            RawHTTP.send(Self.events("not-a-token"), on: socket)
            let refused = try await RawHTTP.read(until: "}}", on: socket)
            #expect(refused.hasPrefix("HTTP/1.1 401"))
            #expect(refused.contains("not_authenticated") && refused.contains("X-Request-ID"), "the router's usual answer")
            RawHTTP.send("GET /events HTTP/1.1\r\nHost: t\r\nCookie: fq_session=expired-or-forged\r\n\r\n", on: socket)
            #expect(try await RawHTTP.read(until: "Sign in to continue.", on: socket).hasPrefix("HTTP/1.1 401"))
            RawHTTP.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n", on: socket)
            #expect(try await RawHTTP.read(until: #"{"status":"ok"}"#, on: socket).hasPrefix("HTTP/1.1 200"))
        }
    }

    /// What reaches the router with a valid token is a stream the gate could not open
    /// (its first state could not be read): 503, and the client's `EventSource` retries.
    @Test func theRouterAsksAnAdmittedClientToTryAgain() async throws {
        let app = try await TestApp.make()
        try await app.test(.router) { client in
            let ada = try await client.apiSignup("ada")
            let api = try await client.api(.get, "/api/v1/events", token: ada.access)
            #expect(api.status == .serviceUnavailable && api.headers[.retryAfter] == "2")
            #expect(api.text.contains("stream_unavailable"))
            #expect(try await client.api(.get, "/api/v1/events").status == .unauthorized)
        }
    }

    @Test func stoppingTheServerEndsOpenStreams() async throws {
        let app = try await TestApp.make()
        let socket = try await app.test(.live) { client in
            let ada = try await client.apiSignup("ada")
            let socket = try RawHTTP.connection(port: try #require(client.port))
            RawHTTP.send(Self.events(ada.access), on: socket)
            _ = try await RawHTTP.read(until: "event: sync", on: socket)
            return socket
        }
        defer { close(socket) }
        #expect(try await RawHTTP.read(until: "0\r\n\r\n", on: socket).hasSuffix("0\r\n\r\n"), "ended, not cut off")
        #expect(try await RawHTTP.isClosed(socket, within: 5000))
    }

    @Test func theAdmissionLineRunsAFewAtATimeInArrivalOrder() async throws {
        let line = AdmissionLine(width: 3)
        let log = Mutex<(running: Int, most: Int, order: [Int])>((0, 0, []))
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let left = Atomic(40)
            for index in 0..<40 {
                line.enqueue {
                    log.withLock {
                        $0.running += 1
                        $0.most = max($0.most, $0.running)
                        $0.order.append(index)
                    }
                    try? await Task.sleep(for: .milliseconds(2))
                    log.withLock { $0.running -= 1 }
                    if left.subtract(1, ordering: .relaxed).newValue == 0 { done.resume() }
                }
            }
            #expect(line.waiting > 0)
        }
        let result = log.withLock { $0 }
        #expect(result.most == 3)
        #expect(result.order.count == 40 && result.order.sorted() == Array(0..<40))
        // The line hands out waiting jobs in arrival order; which of the three places first
        // runs its job's first line is the threads' race, so each job starts within the
        // line's width of its place in the arrival order (a stack or a random pick would not).
        #expect(result.order.prefix(3).sorted() == [0, 1, 2])
        #expect(result.order.enumerated().allSatisfy { abs($0.offset - $0.element) < line.width }, "waiting jobs start in arrival order: \(result.order)")
        #expect(line.waiting == 0)
    }
}

extension EventStreamChannelTests {
    /// `GET /api/v1/events` with a Bearer token, as written on the wire.
    static func events(_ token: String) -> String {
        "GET /api/v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\n\r\n"
    }
}

extension RawHTTP {
    /// Reads from `socket` until what arrived contains `marker` (or `milliseconds` pass,
    /// or the server closes): everything read.
    static func read(until marker: String, on socket: Int32, within milliseconds: Int = 5000) async throws -> String {
        try await onOwnThread {
            let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: answer, as: UTF8.self).contains(marker), Date() < deadline {
                var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                let count = recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { break }
                answer += buffer[0..<count]
            }
            return String(decoding: answer, as: UTF8.self)
        }
    }
}
