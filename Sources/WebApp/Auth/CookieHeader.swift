import HTTPTypes
import Hummingbird

/// One cookie's value from the request's `Cookie` headers, found by scanning the bytes
/// without parsing the other cookies (Hummingbird's `request.cookies` splits and parses
/// every one, which showed in profiles of every page). The first cookie of that name
/// wins; a value in double quotes loses them; an empty value is no cookie.
enum CookieHeader {
    static func value(_ name: String, in request: Request) -> String? {
        value(name, in: request.headers)
    }

    static func value(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            if let value = value(name, in: header) { return value }
        }
        return nil
    }

    static func value(_ name: String, in header: String) -> String? {
        let name = Array(name.utf8)
        var header = header
        return header.withUTF8 { bytes -> String? in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ";") { end += 1 }
                if let value = Self.value(of: name, in: bytes, from: start, to: end) { return value }
                start = end + 1
            }
            return nil
        }
    }

    /// The value when `bytes[start..<end]` is ` name=value` (spaces around allowed).
    private static func value(of name: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> String? {
        var first = start
        while first < end && bytes[first] == UInt8(ascii: " ") { first += 1 }
        let equals = first + name.count
        guard equals < end, bytes[equals] == UInt8(ascii: "=") else { return nil }
        for offset in 0..<name.count where bytes[first + offset] != name[offset] { return nil }
        var valueStart = equals + 1
        var valueEnd = end
        while valueEnd > valueStart && bytes[valueEnd - 1] == UInt8(ascii: " ") { valueEnd -= 1 }
        if valueEnd - valueStart >= 2 && bytes[valueStart] == UInt8(ascii: "\"") && bytes[valueEnd - 1] == UInt8(ascii: "\"") {
            valueStart += 1
            valueEnd -= 1
        }
        guard valueEnd > valueStart else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
    }
}
