/// The members of a dictionary value: key/value pairs in one array, looked up by
/// comparing keys in order.
///
/// View values are small (a task has ten members, a heatmap cell seven) and a page
/// builds and reads thousands of them; comparing a handful of short keys costs less
/// than hashing one, and building two arrays costs less than a hash table.
public struct TemplateObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var entries: [(String, TemplateValue)] = []

    public init() {}

    /// A literal's pairs become the members as they are (no copy, no search per key): a
    /// literal names each key once, as Swift's own dictionary literals must.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(literal: elements)
    }

    init(literal elements: [(String, TemplateValue)]) {
        assert(Set(elements.map(\.0)).count == elements.count, "a dictionary literal names a key twice")
        entries = elements
    }

    /// Later pairs win over earlier ones with the same key.
    public init(_ pairs: some Sequence<(String, TemplateValue)>) {
        entries.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs { self[key] = value }
    }

    public init(_ dictionary: [String: TemplateValue]) {
        self.init(dictionary.map { ($0.key, $0.value) })
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.0) }

    public subscript(key: String) -> TemplateValue? {
        get {
            // Comparing lengths first skips most other keys without a string comparison;
            // only the matching entry's value is copied out.
            let length = key.utf8.count
            return entries.withUnsafeBufferPointer { entries in
                for index in entries.indices where entries[index].0.utf8.count == length && entries[index].0 == key { return entries[index].1 }
                return nil
            }
        }
        set {
            let length = key.utf8.count
            if let index = entries.firstIndex(where: { $0.0.utf8.count == length && $0.0 == key }) {
                if let newValue {
                    entries[index].1 = newValue
                } else {
                    entries.remove(at: index)
                }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// Equal members, whatever their order.
    public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.0] == $0.1 }
    }
}
