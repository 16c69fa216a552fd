/// A short name for the device a session signed in from, read from its User-Agent:
/// "Firefox on Linux", "Safari on iPhone", "curl/8.5.0". Only ever shown to the account's
/// owner; anything unrecognised is the agent's first word, shortened.
public enum DeviceLabel {
    public static let maxLength = 80

    public static func from(userAgent: String?) -> String {
        let agent = String((userAgent ?? "").unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init))
            .trimmingWhitespace
        guard !agent.isEmpty else { return "Unknown device" }
        let browser = browsers.first { agent.contains($0.marker) }?.name
        let system = systems.first { agent.contains($0.marker) }?.name
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) on \(system)"
        case let (browser?, nil): return browser
        default: return String((agent.split(separator: " ").first.map(String.init) ?? agent).prefix(maxLength))
        }
    }

    /// Checked in order: Edge and Opera also name Chrome, Chrome also names Safari.
    private static let browsers: [(marker: String, name: String)] = [
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"), ("CriOS/", "Chrome"), ("Version/", "Safari"),
    ]

    /// Checked in order: Android also names Linux, the iPhone also names Mac OS X.
    private static let systems: [(marker: String, name: String)] = [
        ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("CrOS", "ChromeOS"),
        ("Macintosh", "macOS"), ("Linux", "Linux"),
    ]
}
