/// A username: 3–32 of `[A-Za-z0-9_.-]`, exactly as given (forms trim what people type
/// before it gets here). Uniqueness ignores case (the database enforces it).
public struct Username: Equatable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String) throws(FieldErrors) {
        guard (3...32).contains(raw.unicodeScalars.count) else {
            throw FieldErrors(["username": "must be 3 to 32 characters"])
        }
        guard raw.unicodeScalars.allSatisfy(Self.isAllowed) else {
            throw FieldErrors(["username": "may only contain letters, digits, '_', '.' and '-'"])
        }
        value = raw
    }

    public var description: String { value }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }
}

