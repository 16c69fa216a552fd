import Foundation

/// The filters templates may use. Names and argument counts are checked at compile time.
enum Filter: String, Sendable, CaseIterable {
    case `default`, upper, lower, length, pluralize, date, number, urlencode, json, truncate

    var arity: ClosedRange<Int> {
        switch self {
        case .default: 1...1
        case .upper, .lower, .length, .urlencode, .json: 0...0
        case .pluralize: 0...2
        case .date: 1...2
        case .number: 0...1
        case .truncate: 1...1
        }
    }

    /// Applies the filter. `value` is nil when a variable is missing (only `default` sees it).
    func apply(_ value: TemplateValue, _ arguments: [TemplateValue]) throws(FilterError) -> TemplateValue {
        switch self {
        case .default:
            return value == .null ? arguments[0] : value
        case .upper:
            return .string(try Self.text(value).uppercased())
        case .lower:
            return .string(try Self.text(value).lowercased())
        case .length:
            switch value {
            case .string(let s): return .int(s.count)
            case .array(let a): return .int(a.count)
            case .dictionary(let d): return .int(d.count)
            default: throw FilterError("length needs a string, list or dictionary, not \(value.typeName)")
            }
        case .pluralize:
            let count: Int
            switch value {
            case .int(let i): count = i
            case .array(let a): count = a.count
            case .double(let d): count = d == 1 ? 1 : 2
            default: throw FilterError("pluralize needs a number or list, not \(value.typeName)")
            }
            let singular = arguments.count == 2 ? try Self.text(arguments[0]) : ""
            let plural = try arguments.last.map { v throws(FilterError) in try Self.text(v) } ?? "s"
            return .string(count == 1 ? singular : plural)
        case .date:
            guard case .date(let date) = value else {
                throw FilterError("date needs a date, not \(value.typeName)")
            }
            let zone = arguments.count == 2 ? try Self.text(arguments[1]) : "UTC"
            guard let timeZone = TimeZone(identifier: zone) else { throw FilterError("unknown time zone '\(zone)'") }
            return .string(DateFormat.format(date, pattern: try Self.text(arguments[0]), timeZone: timeZone))
        case .number:
            let decimals: Int
            if let argument = arguments.first {
                guard case .int(let d) = argument, (0...6).contains(d) else { throw FilterError("number takes 0 to 6 decimals") }
                decimals = d
            } else {
                decimals = 0
            }
            switch value {
            case .int(let i): return .string(NumberFormat.grouped(Double(i), decimals: decimals))
            case .double(let d): return .string(NumberFormat.grouped(d, decimals: decimals))
            default: throw FilterError("number needs a number, not \(value.typeName)")
            }
        case .urlencode:
            return .string(Escaping.urlEncode(try Self.text(value)))
        case .json:
            var out: [UInt8] = []
            try JSONText.append(value, to: &out)
            return .string(String(decoding: out, as: UTF8.self))
        case .truncate:
            guard case .int(let limit) = arguments[0], limit > 0 else { throw FilterError("truncate needs a positive length") }
            let text = try Self.text(value)
            if text.utf8.count <= limit { return .string(text) }  // no character is shorter than a byte
            return .string(text.count <= limit ? text : String(text.prefix(limit - 1)) + "…")
        }
    }

    /// The text of a scalar value as templates print it.
    static func text(_ value: TemplateValue) throws(FilterError) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return s
        case .date(let d): return DateFormat.format(d, pattern: "iso", timeZone: .gmt)
        case .html(let h): return h.html
        case .array, .dictionary: throw FilterError("cannot print a \(value.typeName)")
        }
    }
}

struct FilterError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// JSON encoding for the `json` filter, safe to embed in HTML.
enum JSONText {
    static func append(_ value: TemplateValue, to out: inout [UInt8]) throws(FilterError) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .double(let d):
            guard d.isFinite else { throw FilterError("json cannot encode \(d)") }
            out.append(contentsOf: Array(String(d).utf8))
        case .string(let s): Escaping.appendJSONString(s, to: &out)
        case .date(let d): Escaping.appendJSONString(DateFormat.format(d, pattern: "iso", timeZone: .gmt), to: &out)
        case .html(let h): Escaping.appendJSONString(h.html, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "{"))
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Escaping.appendJSONString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try append(entries[key] ?? .null, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
