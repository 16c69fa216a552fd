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
