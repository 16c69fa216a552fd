/// The members of a dictionary value: keys and values in two parallel arrays, looked up
/// by comparing keys in order.
///
/// View values are small (a task has ten members, a heatmap cell four) and a page
/// builds and reads thousands of them; comparing a handful of short keys costs less
/// than hashing one, and building two arrays costs less than a hash table.
public struct TemplateObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String] = []
    private var values: [TemplateValue] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }

    /// Later pairs win over earlier ones with the same key.
    public init(_ pairs: some Sequence<(String, TemplateValue)>) {
        keys.reserveCapacity(pairs.underestimatedCount)
        values.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs { self[key] = value }
    }

    public init(_ dictionary: [String: TemplateValue]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> TemplateValue? {
        get {
            for index in keys.indices where keys[index] == key { return values[index] }
            return nil
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Equal members, whatever their order.
    public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
        lhs.count == rhs.count && lhs.keys.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
