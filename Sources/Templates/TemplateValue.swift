import Foundation

/// Every value a template can see. Views convert their own types into this enum through
/// ``TemplateValueConvertible``; the renderer never reflects over arbitrary Swift values.
public enum TemplateValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case date(Date)
    /// Markup the application vouches for; written unescaped in element text only.
    case html(TrustedHTML)
    case array([TemplateValue])
    case dictionary(TemplateObject)

    /// Truthiness as templates see it: empty and zero values are false.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .date: true
        case .html(let h): !h.html.isEmpty
        case .array(let a): !a.isEmpty
        case .dictionary(let d): !d.isEmpty
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "number"
        case .string: "string"
        case .date: "date"
        case .html: "html"
        case .array: "list"
        case .dictionary: "dictionary"
        }
    }
}

/// HTML the application has built itself and vouches for. It is the only way to put
/// unescaped markup into a page, so every bypass of escaping is greppable.
public struct TrustedHTML: Sendable, Equatable {
    public let html: String
    public init(_ html: String) { self.html = html }
}

/// Converts an application type into a ``TemplateValue``.
public protocol TemplateValueConvertible {
    var templateValue: TemplateValue { get }
}

extension TemplateValue: TemplateValueConvertible {
    public var templateValue: TemplateValue { self }
}

extension String: TemplateValueConvertible {
    public var templateValue: TemplateValue { .string(self) }
}

extension Substring: TemplateValueConvertible {
    public var templateValue: TemplateValue { .string(String(self)) }
}

extension Int: TemplateValueConvertible {
    public var templateValue: TemplateValue { .int(self) }
}

extension Int64: TemplateValueConvertible {
    public var templateValue: TemplateValue { .int(Int(self)) }
}

extension Double: TemplateValueConvertible {
    public var templateValue: TemplateValue { .double(self) }
}

extension Bool: TemplateValueConvertible {
    public var templateValue: TemplateValue { .bool(self) }
}

extension Date: TemplateValueConvertible {
    public var templateValue: TemplateValue { .date(self) }
}

extension TrustedHTML: TemplateValueConvertible {
    public var templateValue: TemplateValue { .html(self) }
}

extension Optional: TemplateValueConvertible where Wrapped: TemplateValueConvertible {
    public var templateValue: TemplateValue { self?.templateValue ?? .null }
}

extension Array: TemplateValueConvertible where Element: TemplateValueConvertible {
    public var templateValue: TemplateValue { .array(map(\.templateValue)) }
}

extension Dictionary: TemplateValueConvertible where Key == String, Value: TemplateValueConvertible {
    public var templateValue: TemplateValue { .dictionary(TemplateObject(mapValues(\.templateValue))) }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .dictionary(TemplateObject(literal: elements))
    }
}
