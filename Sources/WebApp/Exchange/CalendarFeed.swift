import Domain
import Foundation

/// The calendar feed of SPEC §10: a user's focus sessions of the last 90 days and their
/// breaks that have not ended, as iCalendar (RFC 5545).
///
/// UIDs are stable: a session's is its id within the user (`session-<row id>@focusquest`),
/// a break's `break-<row id>@focusquest`, so a calendar app updates rather than duplicates
/// them. Sessions are UTC date-times; breaks are all-day events (DTEND the day after).
struct CalendarFeedService: Sendable {
    let database: any CalendarFeedStorage
    let clock: any WallClock

    static let days = 90
    static let noFeed = AppError(.notFound, "no_calendar_feed", "There is no calendar feed to revoke.")

    /// A new secret feed URL (replacing any earlier one): 256 random bits, kept as a hash.
    func create(for user: UserRecord, baseURL: String) async throws -> String {
        let token = SecureRandom.token(bytes: 32)
        try await database.replaceCalendarFeed(userID: user.userID, tokenHash: SecureRandom.sha256Hex(token), now: clock.now)
        return "\(baseURL)/cal/\(token).ics"
    }

    func revoke(for user: UserRecord) async throws -> Bool {
        try await database.deleteCalendarFeed(userID: user.userID)
    }

    func created(for user: UserRecord) async throws -> Date? {
        try await database.calendarFeedCreated(userID: user.userID)
    }

    /// The feed for `token`; nil when no feed has it.
    func feed(token: String) async throws -> String? {
        let now = clock.now
        guard token.nilIfInvalidToken != nil,
            let content = try await database.calendarFeed(tokenHash: SecureRandom.sha256Hex(token), since: now.addingTimeInterval(-Double(Self.days) * 86_400))
        else { return nil }
        let today = content.user.today(at: now)
        var calendar = ICalendar()
        calendar.line("BEGIN", "VCALENDAR")
        calendar.line("VERSION", "2.0")
        calendar.line("PRODID", "-//FocusQuest//Focus sessions//EN")
        calendar.line("CALSCALE", "GREGORIAN")
        calendar.textLine("X-WR-CALNAME", "FocusQuest — \(content.user.username)")
        for (session, title) in content.sessions {
            calendar.line("BEGIN", "VEVENT")
            calendar.line("UID", "session-\(session.id ?? 0)@focusquest")
            calendar.dateLine("DTSTAMP", session.createdAt)
            calendar.dateLine("DTSTART", session.startTime)
            calendar.dateLine("DTEND", session.endTime)
            calendar.textLine("SUMMARY", title.map { "Focus: \($0)" } ?? "Focus")
            calendar.textLine("DESCRIPTION", "\(session.minutes) min of focus (\(session.timezone))")
            calendar.line("TRANSP", "OPAQUE")
            calendar.line("END", "VEVENT")
        }
        for record in content.breaks {
            guard let days = record.days, days.upperBound >= today else { continue }
            calendar.line("BEGIN", "VEVENT")
            calendar.line("UID", "break-\(record.id ?? 0)@focusquest")
            calendar.dateLine("DTSTAMP", record.createdAt)
            calendar.dayLine("DTSTART", days.lowerBound)
            calendar.dayLine("DTEND", days.upperBound.adding(days: 1))
            calendar.textLine("SUMMARY", "Planned break" + (record.note.map { ": \($0)" } ?? ""))
            calendar.line("TRANSP", "TRANSPARENT")
            calendar.line("END", "VEVENT")
        }
        calendar.line("END", "VCALENDAR")
        return calendar.text
    }
}
