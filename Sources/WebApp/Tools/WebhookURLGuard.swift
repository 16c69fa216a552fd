import Foundation

/// Where a webhook may post (SPEC §11). Any http(s) URL outside production; in
/// production only `https`, and never to loopback, private, link-local or other
/// non-public addresses — checked on the name's resolved addresses, at creation and again
/// before every attempt (a name that later resolves inward is refused then).
/// `WEBHOOK_ALLOW_PRIVATE=true` lifts both production rules.
struct WebhookURLGuard: Sendable {
    /// Whether the production rules apply.
    let strict: Bool

    static let maxLength = 2048
    /// The shape the OpenAPI document declares: http(s), a host name or bracketed IPv6
    /// address, an optional port, then anything without white space.
    static var shape: Regex<AnyRegexOutput> { Regex(#/[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?([/?#][^\s]*)?/#) }

    /// The URL when its shape is allowed, else a 422 naming `url`.
    func checkedShape(_ raw: String) throws(AppError) -> URL {
        guard raw.utf8.count <= Self.maxLength, raw.wholeMatch(of: Self.shape) != nil, let url = URL(string: raw), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil
        else { throw AppError.validation("url", "must be an http(s) URL of at most \(Self.maxLength) characters") }
        if strict, scheme != "https" { throw AppError.validation("url", "must be an https URL") }
        return url
    }

    /// Whether every address the URL's host resolves to is public (always true outside
    /// the production rules). Resolution blocks, so it runs off the caller's thread.
    func resolvesPublicly(_ url: URL) async -> Bool {
        guard strict else { return true }
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return false }
        let addresses = await Self.resolve(host)
        return !addresses.isEmpty && addresses.allSatisfy(Self.isPublic)
    }

    /// The host's addresses (IPv4 as 4 bytes, IPv6 as 16).
    static func resolve(_ host: String) async -> [[UInt8]] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return continuation.resume(returning: []) }
                defer { freeaddrinfo(list) }
                var addresses: [[UInt8]] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let entry = cursor {
                    if let address = entry.pointee.ai_addr {
                        switch Int32(address.pointee.sa_family) {
                        case AF_INET:
                            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                                addresses.append(withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) })
                            }
                        case AF_INET6:
                            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                                addresses.append(withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) })
                            }
                        default: break
                        }
                    }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }

    /// Whether an address is on the public internet: not unspecified, loopback, private
    /// (RFC 1918, unique local), shared (100.64/10), link-local, multicast or reserved.
    static func isPublic(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            switch a {
            case 0, 10, 127: return false
            case 100 where (64...127).contains(b): return false
            case 169 where b == 254: return false
            case 172 where (16...31).contains(b): return false
            case 192 where b == 168: return false
            case 192 where b == 0 && bytes[2] == 0: return false
            case 198 where b == 18 || b == 19: return false
            case 224...255: return false
            default: return true
            }
        }
        guard bytes.count == 16 else { return false }
        if bytes.allSatisfy({ $0 == 0 }) || (bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1) { return false }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return isPublic(Array(bytes[12..<16])) }
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }  // multicast
        return true
    }
}
