import Domain
import Testing

@testable import WebApp

@Suite struct QueryStringTests {
    /// Any value survives a link and the form decoder, and nothing but unreserved
    /// characters and escapes appear in the link.
    @Test func linksRoundTripThroughTheFormDecoder() {
        var random = SeededRandom(seed: 0x9e7)
        let alphabet: [String] = ["a", "Z", "9", " ", "+", "&", "=", "?", "#", "%", "/", "é", "😀", "\"", "<", "~", "-", "."]
        for _ in 0..<500 {
            let q = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()  // safe: not empty
            let link = QueryString.link("/dashboard", [("status", "todo"), ("q", q), ("cursor", "")])
            let query = link.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            #expect(FormData(encoded: query)["q"] ?? "" == q, "\(link)")
            #expect(FormData(encoded: query)["status"] == "todo")
            #expect(!link.contains("cursor"))
            #expect(query.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~%=&".contains($0)) }, "\(link)")
        }
    }

    @Test func withoutValuesThereIsNoQuery() {
        #expect(QueryString.link("/admin", [("q", ""), ("page", "")]) == "/admin")
    }
}
