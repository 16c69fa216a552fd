import Foundation
import Glibc
import Testing

@testable import WebApp

/// Silent, half-sent and excess connections cannot starve the server (a real server).
@Suite(.closingTestApps) struct ConnectionLimitTests {
    static let health = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

    @Test func silentAndHalfSentConnectionsAreClosedAndTheExcessRefused() async throws {
        let app = try await TestApp.make { config in
            config.maxConnections = 30
            // Long enough that the first connections are still open when the excess arrives,
            // on a loaded machine too (with 1 s, a slow run saw some time out first).
            config.idleTimeout = .seconds(4)
        }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var silent: [Int32] = []
            defer { silent.forEach { _ = close($0) } }
            for _ in 0..<10 { silent.append(try RawHTTP.connection(port: port)) }
            let halfSent = try RawHTTP.connection(port: port)
            defer { close(halfSent) }
            RawHTTP.send("GET /health HTTP/1.1\r\nHo", on: halfSent)
            #expect(try await RawHTTP.exchange(Self.health, port: port).hasPrefix("HTTP/1.1 200"), "below the cap the server answers at once")

            for _ in 0..<30 { silent.append(try RawHTTP.connection(port: port)) }
            var refused = 0
            for socket in silent.suffix(20) where try await RawHTTP.isClosed(socket, within: 500) { refused += 1 }
            #expect(refused >= 10, "connections past the cap are closed as they arrive (\(refused) of the last 20)")
            #expect(app.services.connections.refused >= 10)

            try await Task.sleep(for: .milliseconds(4500))
            for socket in silent.prefix(10) {
                #expect(try await RawHTTP.isClosed(socket, within: 1000), "silent connections time out")
            }
            #expect(try await RawHTTP.isClosed(halfSent, within: 1000), "a request head that never ends times out")
            #expect(try await RawHTTP.exchange(Self.health, port: port).hasPrefix("HTTP/1.1 200"), "and the server answers again")
        }
    }

    @Test func oversizedHeadersAre431() async throws {
        let app = try await TestApp.make()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let big = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "a", count: 100_000))\r\n\r\n"
            let answer = try await RawHTTP.exchange(big, port: port)
            #expect(answer.hasPrefix("HTTP/1.1 431"), "\(answer.prefix(80))")
            #expect(try await RawHTTP.exchange(Self.health, port: port).hasPrefix("HTTP/1.1 200"))
        }
    }
}
