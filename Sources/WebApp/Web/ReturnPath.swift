/// Where a browser goes after signing in: a path on this site the person first asked
/// for (`?next=`), never another site (`//host`, `\\host` or a scheme are refused).
enum ReturnPath {
    static let fallback = "/dashboard"

    /// The path and query worth returning to, or nil for the default.
    static func after(_ path: String, query: String?) -> String? {
        guard path != "/", path != "/login", path != "/signup" else { return nil }
        return query.map { path + "?" + $0 } ?? path
    }

    /// `raw` when it is a safe local path, else the dashboard.
    static func validated(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\"), !raw.contains("://"),
            raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return fallback }
        return raw
    }
}
