/// Builds `path?name=value&…` links, percent-encoding every byte but the unreserved ones
/// (RFC 3986), and leaving out empty values. Pages build several links per request;
/// `URLComponents` costs microseconds each.
enum QueryString {
    static func link(_ path: String, _ items: [(name: String, value: String)]) -> String {
        var link = path
        var separator: Character = "?"
        for item in items where !item.value.isEmpty {
            link.append(separator)
            link += encode(item.name)
            link.append("=")
            link += encode(item.value)
            separator = "&"
        }
        return link
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func encode(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
