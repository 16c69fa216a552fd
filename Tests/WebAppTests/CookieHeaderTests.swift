import Domain
import Hummingbird
import Testing

@testable import WebApp

/// The session middleware reads its two cookies by scanning the header.
@Suite struct CookieHeaderTests {
    @Test func findsTheNamedCookieOnly() {
        let header = "xfq_session=evil; fq_session=abc.def-ghi; fq_csrf=\"tok\" ;other=1"
        #expect(CookieHeader.value("fq_session", in: header) == "abc.def-ghi", "not the one whose name only ends the same")
        #expect(CookieHeader.value("fq_csrf", in: header) == "tok")
        #expect(CookieHeader.value("other", in: header) == "1")
        #expect(CookieHeader.value("fq", in: header) == nil)
        #expect(CookieHeader.value("fq_session", in: "fq_session=") == nil, "empty is none")
        #expect(CookieHeader.value("fq_session", in: "fq_session") == nil)
        #expect(CookieHeader.value("fq_session", in: "fq_session=a; fq_session=b") == "a", "the first wins")
        #expect(CookieHeader.value("fq_session", in: "") == nil)
    }

    /// Against Hummingbird's own parser, on random headers of token-like cookies.
    @Test func agreesWithHummingbird() {
        var random = SeededRandom(seed: 2026)  // seeded: a failure reproduces
        let names = ["fq_session", "fq_csrf", "a", "fq_session2", "x-fq_csrf"]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        for _ in 0..<500 {
            var used: Set<String> = []
            var parts: [String] = []
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let name = names.randomElement(using: &random)!
                guard used.insert(name).inserted else { continue }
                let value = String((0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                parts.append("\(name)=\(value)")
            }
            let header = parts.joined(separator: "; ")
            let request = Request(
                head: .init(method: .get, scheme: "http", authority: "x", path: "/", headerFields: [.cookie: header]), body: .init(buffer: .init()))
            for name in names {
                #expect(CookieHeader.value(name, in: request) == request.cookies[name]?.value, "\(header) \(name)")
            }
        }
    }
}
