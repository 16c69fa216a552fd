import Domain

/// The `If-Match` and `If-None-Match` of a write (RFC 9110 §13.1), checked against the
/// stored value's ETag in the write's own transaction.
///
/// `If-Match` compares strongly: `*` or one of the listed tags must equal the current
/// ETag, so it fails when there is no value. `If-None-Match` compares weakly (`W/"x"`
/// counts as `"x"`): the write fails when `*` is listed and a value exists, or when a
/// listed tag equals the current ETag.
struct ETagCondition: Sendable, Equatable {
    private let ifMatch: [String]?
    private let ifNoneMatch: [String]?

    /// From the two header values (nil when absent).
    init(ifMatch: String?, ifNoneMatch: String?) {
        self.ifMatch = ifMatch.map(Self.tags)
        self.ifNoneMatch = ifNoneMatch.map { Self.tags($0).map { $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 } }
    }

    func allows(current: String?) -> Bool {
        if let ifMatch {
            guard let current, ifMatch.contains("*") || ifMatch.contains(current) else { return false }
        }
        if let ifNoneMatch, let current, ifNoneMatch.contains("*") || ifNoneMatch.contains(current) {
            return false
        }
        return true
    }

    /// `"a", W/"b"` → `["\"a\"", "W/\"b\""]`; `*` → `["*"]`.
    private static func tags(_ header: String) -> [String] {
        header.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }
}
