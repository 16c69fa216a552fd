import Domain
import Foundation
import Testing

@testable import WebApp

@Suite struct Base64URLTests {
    @Test func encodesLikeFoundationWithoutPaddingAndDecodesBack() {
        var generator = SeededRandom(seed: 2026)  // seeded: a failure reproduces
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let encoded = SecureRandom.base64URL(bytes)
            #expect(encoded == expected)
            #expect(SecureRandom.decodeBase64URL(encoded) == bytes)
            let padded = encoded + String(repeating: "=", count: (4 - encoded.count % 4) % 4)
            #expect(SecureRandom.decodeBase64URL(padded) == bytes)
        }
    }

    @Test(arguments: ["a", "ab=c", "abc==", "+/8", "ab!c", "AB", "ABC", "abcde"])
    func rejectsWhatIsNotBase64URL(text: String) {
        #expect(SecureRandom.decodeBase64URL(text) == nil)
    }
}
