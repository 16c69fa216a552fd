import Domain
import Testing

@Suite struct DeviceLabelTests {
    @Test(arguments: [
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", "Headless Chrome on Linux"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("python-requests/2.32.3", "python-requests/2.32.3"),
        ("", "Unknown device"),
    ])
    func namesTheBrowserAndSystem(agent: String, label: String) {
        #expect(DeviceLabel.from(userAgent: agent) == label)
    }

    @Test func unknownAgentsAreShortAndPrintable() {
        #expect(DeviceLabel.from(userAgent: nil) == "Unknown device")
        let long = DeviceLabel.from(userAgent: String(repeating: "x", count: 500) + " rest")
        #expect(long.count == DeviceLabel.maxLength)
        #expect(DeviceLabel.from(userAgent: "tool\u{7}\u{1b}[31m/1") == "tool[31m/1", "control characters are dropped")
    }
}
