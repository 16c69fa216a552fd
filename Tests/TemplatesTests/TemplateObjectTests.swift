import Testing

@testable import Templates

@Suite struct TemplateObjectTests {
    @Test func behavesLikeADictionary() {
        var object: TemplateObject = ["a": 1, "b": "two"]
        #expect(object["a"] == 1 && object["b"] == "two" && object["c"] == nil)
        object["a"] = 3
        object["c"] = true
        #expect(object.count == 3 && object["a"] == 3)
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(TemplateObject([("k", 1), ("k", 2)])["k"] == 2, "later pairs win")
        #expect(TemplateObject(["x": 1, "y": 2] as [String: TemplateValue]) == ["y": 2, "x": 1], "order does not matter")
        #expect(TemplateObject(["x": 1]) != ["x": 2])
        #expect(TemplateObject().isEmpty)
    }
}

@Suite struct DecimalTests {
    /// Every digit count, at both ends (the digits are counted first, then written in place).
    static let numbers: [Int] = [Int.min, Int.min + 1, -1_000, -9, -1, 0, 12_345, Int.max]
        + (0...18).flatMap { exponent -> [Int] in
            let power = (0..<exponent).reduce(1) { value, _ in value * 10 }
            return [power - 1, power, -power]
        }

    @Test(arguments: numbers)
    func integersPrintLikeString(number: Int) {
        var out = RenderBuffer(from: RenderBufferPool(initialCapacity: 1))
        out.appendDecimal(number)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(number))
    }
}
