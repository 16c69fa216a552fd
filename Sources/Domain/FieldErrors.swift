/// Validation problems by field name, in words a user can act on.
public struct FieldErrors: Error, Equatable, Sendable {
    public private(set) var fields: [String: String] = [:]

    public init(_ fields: [String: String] = [:]) { self.fields = fields }

    public var isEmpty: Bool { fields.isEmpty }

    public subscript(field: String) -> String? {
        get { fields[field] }
        set { fields[field] = newValue }
    }

    /// Throws self when any field has a problem.
    public func throwIfAny() throws(FieldErrors) {
        if !fields.isEmpty { throw self }
    }
}

extension FieldErrors {
    /// These errors plus `other`'s; on the same field the first problem stays.
    public func merging(_ other: FieldErrors) -> FieldErrors {
        FieldErrors(fields.merging(other.fields) { first, _ in first })
    }
}
