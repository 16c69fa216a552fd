import Foundation

/// A user's timer lengths in minutes and how often the long break comes.
public struct TimerSettings: Equatable, Sendable, Codable {
    public var focusMinutes: Int
    public var shortBreakMinutes: Int
    public var longBreakMinutes: Int
    public var longBreakEvery: Int

    public static let standard = TimerSettings(focusMinutes: 25, shortBreakMinutes: 5, longBreakMinutes: 15, longBreakEvery: 4)

    public init(focusMinutes: Int, shortBreakMinutes: Int, longBreakMinutes: Int, longBreakEvery: Int) {
        self.focusMinutes = focusMinutes
        self.shortBreakMinutes = shortBreakMinutes
        self.longBreakMinutes = longBreakMinutes
        self.longBreakEvery = longBreakEvery
    }

    /// The length of a timer of `kind`, in minutes.
    public func minutes(for kind: TimerKind) -> Int {
        switch kind {
        case .focus: focusMinutes
        case .shortBreak: shortBreakMinutes
        case .longBreak: longBreakMinutes
        }
    }

    /// Timer lengths are 1–180 minutes; a long break comes every 1–12 focus pomodoros.
    public func validate() throws(FieldErrors) {
        var errors = FieldErrors()
        for (field, value) in [("focus_minutes", focusMinutes), ("short_break_minutes", shortBreakMinutes), ("long_break_minutes", longBreakMinutes)]
        where !(1...180).contains(value) {
            errors[field] = "must be 1 to 180 minutes"
        }
        if !(1...12).contains(longBreakEvery) { errors["long_break_every"] = "must be 1 to 12" }
        try errors.throwIfAny()
    }
}

/// An IANA time zone name such as `Europe/Berlin`, exactly as given: one of the system
/// time zone database's region names, or `UTC` / `GMT`. ``known`` is the whole list, so the
/// OpenAPI document can declare it as an enum.
public struct TimeZoneName: Equatable, Sendable {
    public let identifier: String

    public init(_ raw: String, field: String = "timezone") throws(FieldErrors) {
        guard Self.known.contains(raw) else {
            throw FieldErrors([field: "must be an IANA time zone such as Europe/Berlin"])
        }
        identifier = raw
    }

    public static let known: Set<String> = {
        var names = Set(TimeZone.knownTimeZoneIdentifiers)
        // Foundation's list lacks current names (`Asia/Kolkata`); the system database has them.
        let database = "/usr/share/zoneinfo"
        if let files = FileManager.default.enumerator(atPath: database) {
            for case let file as String in files where file.contains("/") && !file.hasPrefix("posix/") && !file.hasPrefix("right/") {
                names.insert(file)
            }
        }
        return Set(names.filter { name in
            name.contains("/") && !name.hasPrefix("Etc/") && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "/_-+0123456789".unicodeScalars.contains($0) }
                && TimeZone(identifier: name) != nil
        }).union(["UTC", "GMT"])
    }()

    public static let utc = try! TimeZoneName("UTC")  // safe: a literal known to be valid
}
