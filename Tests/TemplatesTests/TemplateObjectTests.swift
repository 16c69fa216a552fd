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
    @Test(arguments: [Int.min, -1_000, -9, -1, 0, 1, 9, 10, 99, 100, 12_345, Int.max])
    func integersPrintLikeString(number: Int) {
        var out = RenderBuffer(from: RenderBufferPool(initialCapacity: 1))
        Escaping.appendDecimal(number, to: &out)
        #expect(String(decoding: out.bytes, as: UTF8.self) == String(number))
    }
}
