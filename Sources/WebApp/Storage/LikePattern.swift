/// A `LIKE … ESCAPE '\'` pattern that matches `text` anywhere, literally: `%` and `_`
/// typed by a user are not wildcards.
enum LikePattern {
    static func containing(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
