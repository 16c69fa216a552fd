/// A username: 3–32 of `[A-Za-z0-9_.-]`. Uniqueness ignores case (the database enforces it).
public struct Username: Equatable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String) throws(FieldErrors) {
        let trimmed = raw.trimmingWhitespace
        guard (3...32).contains(trimmed.count) else {
            throw FieldErrors(["username": "must be 3 to 32 characters"])
        }
        guard trimmed.unicodeScalars.allSatisfy(Self.isAllowed) else {
            throw FieldErrors(["username": "may only contain letters, digits, '_', '.' and '-'"])
        }
        value = trimmed
    }

    public var description: String { value }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }
}

extension String {
    /// The string without leading and trailing white space.
    public var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
