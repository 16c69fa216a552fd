import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import WebApp

/// A connection of its own to the live server, so requests really run side by side
/// (the test client's own connection sends one request at a time).
func withConnection<T: Sendable>(to client: any TestClientProtocol, _ body: (TestClient) async throws -> T) async throws -> T {
    let connection = TestClient(host: "127.0.0.1", port: try #require(client.port))
    connection.connect()
    return try await using(connection, closing: { try await $0.shutdown() }, body)
}

/// Against a real HTTP server on a loopback port.
@Suite(.closingTestApps) struct LiveServerTests {
    /// A storm of logins with the production argon2 cost keeps both cores busy; `/health`
    /// still answers every probe (hashing never runs on the event loop).
    @Test func aLoginStormDoesNotStallHealth() async throws {
        let app = try await TestApp.make { $0.argon2 = .standard }
        try await app.test(.live) { client in
            _ = try await client.apiSignup("ada")
            let login = #"{"username":"ada","password":"correct horse battery"}"#
            let (statuses, healthTimes) = try await withThrowingTaskGroup(of: ([UInt], [Duration]).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await withConnection(to: client) { connection in
                            var statuses: [UInt] = []
                            for _ in 0..<2 { statuses.append(UInt(try await connection.post("/api/v1/auth/login", headers: [.contentType: "application/json"], body: ByteBuffer(string: login)).status.code)) }
                            return (statuses, [])
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(100))
                    return ([], try await Self.healthProbes(client))
                }
                var statuses: [UInt] = []
                var times: [Duration] = []
                for try await (s, t) in group {
                    statuses += s
                    times += t
                }
                return (statuses, times)
            }
            #expect(statuses.count == 24)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 })
            #expect(statuses.filter { $0 == 200 }.count >= 2)
            // Every probe answered while the logins ran. How fast is a benchmark's question
            // (`make bench`), not a timed test's: this one shares two cores with every other
            // suite. That hashing runs off the event loops, at a lower priority, is
            // `PasswordTests.hashingRunsOffTheEventLoopsAtALowerPriority`.
            #expect(healthTimes.count == 10)
        }
    }

    /// Ten `/health` requests 20 ms apart: how long each took.
    static func healthProbes(_ client: some TestClientProtocol) async throws -> [Duration] {
        var times: [Duration] = []
        for _ in 0..<10 {
            let start = ContinuousClock.now
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            times.append(ContinuousClock.now - start)
            try await Task.sleep(for: .milliseconds(20))
        }
        return times
    }

    @Test func overloadAnswers503InsteadOfQueueingForever() async throws {
        let app = try await TestApp.make {
            $0.argon2 = .standard
            $0.hashQueueLimit = 0
        }
        try await app.test(.live) { client in
            _ = try await client.apiSignup("ada")
            let login = #"{"username":"ada","password":"correct horse battery"}"#
            let responses = try await withThrowingTaskGroup(of: TestClient.Response.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await withConnection(to: client) {
                            try await $0.post("/api/v1/auth/login", headers: [.contentType: "application/json"], body: ByteBuffer(string: login))
                        }
                    }
                }
                return try await group.reduce(into: [TestClient.Response]()) { $0.append($1) }
            }
            let overloaded = responses.filter { $0.status == .serviceUnavailable }
            #expect(!overloaded.isEmpty)
            #expect(overloaded.allSatisfy { String(buffer: $0.body ?? ByteBuffer()).contains(#""code":"overloaded""#) && $0.headers[.retryAfter] != nil })
            #expect(responses.contains { $0.status == .ok })
        }
    }

    /// A body without a length (chunked) over the limit is refused with 413 when a route
    /// reads it, like one whose declared length is too long.
    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        let app = try await TestApp.make()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let chunk = String(repeating: "x", count: 64 * 1024)
            var request = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            request += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            for _ in 0..<17 { request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
            request += "0\r\n\r\n"
            let response = try await RawHTTP.exchange(request, port: port)
            #expect(response.hasPrefix("HTTP/1.1 413"), "\(response.prefix(200))")
            #expect(response.contains("payload_too_large"))
        }
    }

    @Test func requestIDsAreEchoedOverTheWire() async throws {
        let app = try await TestApp.make()
        try await app.test(.live) { client in
            let given = try await client.execute(uri: "/health", method: .get, headers: [.xRequestID: "abc-123"])
            #expect(given.headers[.xRequestID] == "abc-123")
            let hostile = try await client.execute(uri: "/health", method: .get, headers: [.xRequestID: "<script>"])
            #expect(hostile.headers[.xRequestID] != "<script>")
        }
    }
}

/// One request written to a plain TCP socket as it is, and everything the server answers
/// until it closes (for requests the test client cannot send, like chunked bodies).
/// Waiting calls run on a thread of their own: blocked in `recv` or `poll` on one of the
/// test process's few cooperative threads, they could starve the server they wait for.
enum RawHTTP {
    struct Failure: Error { let step: String }

    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func exchange(_ request: String, port: Int) async throws -> String {
        try await onOwnThread { try blockingExchange(request, port: port) }
    }

    /// Whether the server closed `socket` within `milliseconds` (end of stream or reset).
    static func isClosed(_ socket: Int32, within milliseconds: Int32) async throws -> Bool {
        try await onOwnThread { blockingIsClosed(socket, within: milliseconds) }
    }

    /// A TCP connection to the server on loopback; the caller closes it.
    static func connection(port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(step: "connect")
        }
        return socket
    }

    private static func blockingIsClosed(_ socket: Int32, within milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }

    static func send(_ text: String, on socket: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private static func blockingExchange(_ request: String, port: Int) throws -> String {
        let socket = try connection(port: port)
        defer { close(socket) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may answer and close before reading the whole body.
            if written <= 0 { break }
            sent += written
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
