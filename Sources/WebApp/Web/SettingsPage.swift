import Domain
import Foundation
import Templates

/// The values of `/settings`: the profile form, the streak-days form and the breaks,
/// shared by the controllers that answer its forms.
struct SettingsPage {
    let user: UserRecord
    let today: LocalDate
    let breaks: [BreakRecord]
    /// When the user's calendar feed was made; nil without one.
    let feedCreated: Date?
    let accessTokens: [AccessTokenRecord]
    let webhooks: [(record: WebhookRecord, attempts: [WebhookAttempt])]
    /// The latest entries of the user's security log.
    let securityLog: [SecurityLogEntry]
    let signInSessions: [SignInSessionRecord]
    /// The session of the request that shows the page.
    let currentSession: Int64?
    let twoFactor: TwoFactorState

    static let profileFields = ["timezone", "focus_minutes", "short_break_minutes", "long_break_minutes", "long_break_every"]
    static let breakFields = ["from", "to", "note"]

    func values(
        profile: TemplateValue? = nil, saved: Bool = false, fields: [String: String] = [:], streak: TemplateValue? = nil,
        breakForm: [String: String] = [:], breakFields: [String: String] = [:], breakNotice: String? = nil, data: DataSection? = nil,
        tokens: TokensSection? = nil, hooks: WebhooksSection? = nil, security: SecuritySection? = nil
    ) -> [String: TemplateValue] {
        [
            "profile": profile ?? Self.profileValues(user), "saved": .bool(saved), "password_error": .null, "timezones": TimeZoneList.value,
            "errors": FormErrors.values(Self.profileFields, fields),
            "streak": streak ?? streakValues(rules: user.dayRules, saved: false, error: nil),
            "breaks": breakValues(form: breakForm, errors: breakFields, notice: breakNotice),
            "data": (data ?? DataSection()).values(user: user, feedCreated: feedCreated),
            "tokens": (tokens ?? TokensSection()).values(accessTokens, user: user),
            "hooks": (hooks ?? WebhooksSection()).values(webhooks, user: user),
            "security": (security ?? SecuritySection()).values(twoFactor, sessions: signInSessions, current: currentSession, user: user),
            "security_log": .array(securityLog.map(\.templateValue)),
        ]
    }

    static func profileValues(_ user: UserRecord) -> TemplateValue {
        [
            "timezone": .string(user.timezone), "focus_minutes": .int(user.focusMinutes), "short_break_minutes": .int(user.shortBreakMinutes),
            "long_break_minutes": .int(user.longBreakMinutes), "long_break_every": .int(user.longBreakEvery),
        ]
    }

    /// The day-start choices and rest-day boxes, with `rules` chosen; the date they apply
    /// from when it is still ahead.
    func streakValues(rules: DayRules, saved: Bool, error: String?) -> TemplateValue {
        let hours: [TemplateValue] = DayRules.dayStartHours.map { hour in
            ["value": .int(hour), "label": .string(Self.hourLabel(hour)), "selected": .bool(hour == rules.dayStartsAt)]
        }
        let labels = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let weekdays: [TemplateValue] = zip(RestDays.names, labels).map { name, label in
            ["name": .string(name), "label": .string(label), "checked": .bool(rules.restDays.names.contains(name))]
        }
        let pending = user.dayRulesFrom.flatMap(LocalDate.init).flatMap { $0 > today ? $0.description : nil }
        return [
            "hours": .array(hours), "weekdays": .array(weekdays), "saved": .bool(saved), "error": error.map(TemplateValue.string) ?? .null,
            "pending_from": pending.map(TemplateValue.string) ?? .null, "tomorrow": .string(today.adding(days: 1).description),
        ]
    }

    /// `midnight`, `01:00` … `06:00`.
    static func hourLabel(_ hour: Int) -> String { hour == 0 ? "midnight" : "0\(hour):00" }

    func breakValues(form: [String: String], errors: [String: String], notice: String?) -> TemplateValue {
        let items: [TemplateValue] = breaks.map { record in
            let days = record.days
            return [
                "id": .int(Int(record.id ?? 0)), "from": .string(record.firstDay), "to": .string(record.lastDay),
                "note": record.note.map(TemplateValue.string) ?? .null,
                "upcoming": .bool(days.map { $0.lowerBound > today } ?? false),
                "ongoing": .bool(days.map { $0.contains(today) } ?? false),
            ]
        }
        return [
            "items": .array(items), "notice": notice.map(TemplateValue.string) ?? .null,
            "form": .dictionary(TemplateObject(Self.breakFields.map { ($0, TemplateValue.string(form[$0] ?? "")) })),
            "errors": FormErrors.values(Self.breakFields, errors),
            "earliest": .string(today.adding(days: 1).description),
        ]
    }
}

/// What the "Your data" section shows besides its forms: a message, an import's problems
/// or its report (with the token of a checked file waiting to be confirmed), a new feed URL.
struct DataSection {
    var notice: String?
    var error: String?
    var problems: [ImportProblem] = []
    var report: ImportReport?
    var pendingToken: String?
    var filename: String?
    var feedURL: String?
    var source = ImportService.Source.focusquest
    var timezone: String?

    func values(user: UserRecord, feedCreated: Date?) -> TemplateValue {
        let sources: [TemplateValue] = [(ImportService.Source.focusquest, "A FocusQuest export (JSON)"), (.toggl, "A Toggl Track detailed CSV")].map {
            ["value": .string($0.0.rawValue), "label": .string($0.1), "selected": .bool($0.0 == source)]
        }
        let problemValues: [TemplateValue] = problems.map {
            ["row": $0.row.map(TemplateValue.int) ?? .null, "field": .string($0.field), "problem": .string($0.problem)]
        }
        let reportValue: TemplateValue = report.map {
            [
                "tasks_created": .int($0.tasksCreated), "tasks_matched": .int($0.tasksMatched), "sessions_created": .int($0.sessionsCreated),
                "sessions_skipped": .int($0.sessionsSkipped), "kv_created": .int($0.kvCreated), "kv_skipped": .int($0.kvSkipped),
            ]
        } ?? .null
        return [
            "notice": notice.map(TemplateValue.string) ?? .null, "error": error.map(TemplateValue.string) ?? .null, "problems": .array(problemValues),
            "report": reportValue, "token": pendingToken.map(TemplateValue.string) ?? .null, "filename": .string(filename ?? "the file"),
            "feed_url": feedURL.map(TemplateValue.string) ?? .null,
            "feed_created": feedCreated.map { .string(LocalDate($0, in: user.zone).description) } ?? .null,
            "sources": .array(sources), "timezone": .string(timezone ?? user.timezone),
        ]
    }
}

/// What the access-tokens section shows besides the list: a message, a new token's
/// secret (once), or the form kept with its problems.
struct TokensSection {
    var notice: String?
    var error: String?
    var secret: String?
    var name = ""
    var write = false
    var expiresInDays: Int?
    var errors: [String: String] = [:]

    static let expiryChoices: [(Int?, String)] = [(nil, "Never"), (30, "In 30 days"), (90, "In 90 days"), (365, "In a year")]

    func values(_ tokens: [AccessTokenRecord], user: UserRecord) -> TemplateValue {
        func day(_ date: Date?) -> TemplateValue { date.map { .string(LocalDate($0, in: user.zone).description) } ?? .null }
        let items: [TemplateValue] = tokens.map { token in
            [
                "id": .int(Int(token.id)), "name": .string(token.name),
                "scopes": .string(token.scopes.contains(.write) ? "read and write" : "read only"),
                "created": day(token.createdAt), "expires": day(token.expiresAt), "last_used": day(token.lastUsedAt),
            ]
        }
        let expiries: [TemplateValue] = Self.expiryChoices.map { value, label in
            ["value": .string(value.map(String.init) ?? ""), "label": .string(label), "selected": .bool(value == expiresInDays)]
        }
        return [
            "items": .array(items), "notice": notice.map(TemplateValue.string) ?? .null, "error": error.map(TemplateValue.string) ?? .null,
            "secret": secret.map(TemplateValue.string) ?? .null, "expiries": .array(expiries),
            "form": ["name": .string(name), "write": .bool(write)], "errors": FormErrors.values(["name"], errors),
        ]
    }
}

/// What the webhooks section shows besides the list: a message, a new webhook's signing
/// secret (once), or the form kept with its problems.
struct WebhooksSection {
    var notice: String?
    var error: String?
    var secret: String?
    var url = ""
    var events: Set<WebhookEvent> = Set(WebhookEvent.allCases)
    var format = WebhookFormat.json
    var errors: [String: String] = [:]

    /// A form field's name for each event (`session_recorded`).
    static func field(_ event: WebhookEvent) -> String { event.rawValue.replacingOccurrences(of: ".", with: "_") }

    static let labels: [WebhookEvent: String] = [
        .sessionRecorded: "Focus recorded", .timerCompleted: "Timer finished", .taskCompleted: "Task completed", .streakMilestone: "Streak milestone",
        .levelUp: "Level up",
    ]

    func values(_ hooks: [(record: WebhookRecord, attempts: [WebhookAttempt])], user: UserRecord) -> TemplateValue {
        let items: [TemplateValue] = hooks.map { hook, attempts in
            let recent: [TemplateValue] = attempts.prefix(5).map { attempt in
                [
                    "when": .string(RFC3339.string(attempt.createdAt)), "event": .string(attempt.event), "status": .string(attempt.status),
                    "code": attempt.responseCode.map(TemplateValue.int) ?? .null,
                ]
            }
            return [
                "id": .int(Int(hook.id)), "url": .string(hook.url), "events": .string(hook.events.map(\.rawValue).joined(separator: ", ")),
                "format": .string(hook.format.rawValue), "disabled": .bool(hook.disabled), "failures": .int(hook.consecutiveFailures), "attempts": .array(recent),
            ]
        }
        let eventValues: [TemplateValue] = WebhookEvent.allCases.map { event in
            ["name": .string(Self.field(event)), "label": .string(Self.labels[event] ?? event.rawValue), "checked": .bool(events.contains(event))]
        }
        let formats: [TemplateValue] = [(WebhookFormat.json, "Signed JSON"), (.slack, "Slack message"), (.discord, "Discord message")].map {
            ["value": .string($0.0.rawValue), "label": .string($0.1), "selected": .bool($0.0 == format)]
        }
        return [
            "items": .array(items), "notice": notice.map(TemplateValue.string) ?? .null, "error": error.map(TemplateValue.string) ?? .null,
            "secret": secret.map(TemplateValue.string) ?? .null, "events": .array(eventValues), "formats": .array(formats),
            "form": ["url": .string(url)], "errors": FormErrors.values(["url", "events"], errors),
        ]
    }
}

/// Where a user's two-factor sign-in stands, for the settings page.
enum TwoFactorState {
    case off(available: Bool)
    case pending(TwoFactorService.Enrolment)
    case on(recoveryCodesLeft: Int)
}

/// What the two-factor and sessions sections show besides their state: a message, the
/// recovery codes (once, right after enrolment), a problem with the field it concerns.
struct SecuritySection {
    var notice: String?
    var error: String?
    var recoveryCodes: [String] = []
    var codeError: String?
    var passwordError: String?
    var sessionsNotice: String?
    var sessionsError: String?

    func values(_ state: TwoFactorState, sessions: [SignInSessionRecord], current: Int64?, user: UserRecord) -> TemplateValue {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = user.zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        func time(_ date: Date) -> TemplateValue { .string(formatter.string(from: date)) }
        var twoFactor: [String: TemplateValue] = ["state": "off", "available": true]
        switch state {
        case .off(let available): twoFactor["available"] = .bool(available)
        case .pending(let enrolment):
            twoFactor = [
                "state": "pending", "secret": .string(Self.grouped(enrolment.secret)), "uri": .string(enrolment.uri),
                "qr": QRCode.svg(enrolment.uri).map { .html(TrustedHTML($0)) } ?? .null,
            ]
        case .on(let left): twoFactor = ["state": "on", "codes_left": .int(left)]
        }
        twoFactor["recovery_codes"] = .array(recoveryCodes.map(TemplateValue.string))
        let items: [TemplateValue] = sessions.map { session in
            [
                "id": .int(Int(session.id)), "device": .string(session.device), "ip": session.ip.templateValue,
                "created": time(session.createdAt), "last_seen": time(session.lastSeenAt), "current": .bool(session.id == current),
            ]
        }
        return [
            "two_factor": .dictionary(TemplateObject(twoFactor)), "sessions": .array(items),
            "notice": notice.templateValue, "error": error.templateValue, "code_error": codeError.templateValue,
            "password_error": passwordError.templateValue, "sessions_notice": sessionsNotice.templateValue,
            "sessions_error": sessionsError.templateValue,
        ]
    }

    /// The secret in groups of four, easier to type into an app by hand.
    static func grouped(_ secret: String) -> String {
        stride(from: 0, to: secret.count, by: 4).map { start in
            String(secret.dropFirst(start).prefix(4))
        }.joined(separator: " ")
    }
}

extension SecurityLogEntry {
    /// An entry as the settings page and the admin's view list it.
    var templateValue: TemplateValue {
        [
            "at": .string(RFC3339.string(at)), "event": .string(event.replacingOccurrences(of: "_", with: " ")), "ip": ip.templateValue,
            "detail": detail.templateValue,
        ]
    }
}
