/// The weekdays a user rests on (SPEC §9): a set of at most three of `mon`…`sun`.
public struct RestDays: Equatable, Hashable, Sendable {
    /// Bit `w` set = weekday `w` (``LocalDate/weekday``: 0 Sunday … 6 Saturday).
    public let mask: Int

    public static let none = RestDays(mask: 0)
    public static let maxCount = 3
    /// The names in the order the API and pages list them.
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(mask: Int) { self.mask = mask & 0x7F }

    /// From names such as `["sat", "sun"]`: each one of ``names``, no repeats, at most three.
    public init(names given: [String], field: String = "rest_days") throws(FieldErrors) {
        var mask = 0
        for name in given {
            guard let index = Self.names.firstIndex(of: name) else {
                throw FieldErrors([field: "must list weekdays as mon, tue, wed, thu, fri, sat or sun"])
            }
            let bit = Self.bit(index)
            guard mask & bit == 0 else { throw FieldErrors([field: "must not name a weekday twice"]) }
            mask |= bit
        }
        guard given.count <= Self.maxCount else { throw FieldErrors([field: "must name at most \(Self.maxCount) weekdays"]) }
        self.init(mask: mask)
    }

    /// The named weekdays without the rules' checks: a form's choice shown back as it was.
    public init(anyOf given: [String]) {
        self.init(mask: given.compactMap { Self.names.firstIndex(of: $0) }.reduce(0) { $0 | Self.bit($1) })
    }

    /// The mask bit of the weekday at `index` in ``names`` (Monday is 0, Sunday bit 0).
    private static func bit(_ index: Int) -> Int { 1 << ((index + 1) % 7) }

    public func contains(weekday: Int) -> Bool { mask & (1 << weekday) != 0 }

    public func contains(_ day: LocalDate) -> Bool { contains(weekday: day.weekday) }

    /// The weekday names, Monday first.
    public var names: [String] {
        Self.names.enumerated().filter { contains(weekday: ($0.offset + 1) % 7) }.map(\.element)
    }
}
