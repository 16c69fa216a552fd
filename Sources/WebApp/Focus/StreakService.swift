import Domain
import Foundation

/// The fair-streak use cases of SPEC §9 beside the streak itself: planned breaks and
/// the day-by-day calendar, each in the user's own today.
struct StreakService: Sendable {
    private let database: any AppStorage
    let clock: any WallClock
    let qualifySeconds: Double
    /// For the settings page's two-factor section (an enrolment waiting for its code).
    private let twoFactor: TwoFactorService

    init(database: any AppStorage, clock: any WallClock, qualifyMinutes: Int, twoFactor: TwoFactorService) {
        self.database = database
        self.clock = clock
        self.twoFactor = twoFactor
        qualifySeconds = Double(qualifyMinutes * 60)
    }

    /// Plans a break; `rawFrom`/`rawTo` as sent (nil: missing). `known` holds problems the
    /// caller found (a field of the wrong type), so one answer names them all.
    func planBreak(for user: UserRecord, from rawFrom: String?, to rawTo: String?, note rawNote: String?, known: FieldErrors = FieldErrors()) async throws -> BreakRecord {
        let from = rawFrom.flatMap(LocalDate.init)
        let to = rawTo.flatMap(LocalDate.init)
        var errors = known
        if rawFrom != nil, from == nil { errors["from"] = "must be a date YYYY-MM-DD" }
        if rawTo != nil, to == nil { errors["to"] = "must be a date YYYY-MM-DD" }
        do {
            try errors.throwIfAny()
            return try await database.planBreak(userID: user.userID, from: from, to: to, note: rawNote, qualifySeconds: qualifySeconds, now: clock.now)
        } catch let problems as FieldErrors {
            throw AppError.validation(errors.merging(problems))
        }
    }

    func cancelBreak(for user: UserRecord, id: Int64) async throws {
        do {
            try await database.cancelBreak(userID: user.userID, id: id, qualifySeconds: qualifySeconds, now: clock.now)
        } catch BreakConflict.notFound {
            throw AppError.notFound
        } catch BreakConflict.started {
            throw AppError(.conflict, "break_started", "This break has started; it can no longer be cancelled.")
        }
    }

    func breaks(for user: UserRecord) async throws -> [BreakRecord] {
        try await database.breaks(userID: user.userID)
    }

    /// What `/settings` shows of the user as they are now.
    /// `session`: the request's sign-in session, marked "this device" in the list.
    func settingsPage(for user: UserRecord, session: Int64?) async throws -> SettingsPage {
        let twoFactorState: TwoFactorState =
            if user.twoFactor {
                .on(recoveryCodesLeft: try await twoFactor.recoveryCodesLeft(for: user))
            } else {
                (try? await twoFactor.pending(for: user)).flatMap { $0 }.map(TwoFactorState.pending) ?? .off(available: twoFactor.dataKey != nil)
            }
        var webhooks: [(WebhookRecord, [WebhookAttempt])] = []
        for webhook in try await database.webhooks(userID: user.userID) {
            webhooks.append((webhook, try await database.webhookAttempts(userID: user.userID, id: webhook.id) ?? []))
        }
        return SettingsPage(
            user: user, today: user.today(at: clock.now), breaks: try await breaks(for: user),
            feedCreated: try await database.calendarFeedCreated(userID: user.userID), accessTokens: try await database.accessTokens(userID: user.userID),
            webhooks: webhooks, securityLog: try await database.securityLog(userID: user.userID, limit: 20),
            signInSessions: try await database.signInSessions(userID: user.userID), currentSession: session, twoFactor: twoFactorState)
    }

    /// Each day from `from` to `to` (not after today) with its minutes and state.
    func calendar(for user: UserRecord, from rawFrom: String?, to rawTo: String?) async throws -> [(day: LocalDate, minutes: Int, state: DayState)] {
        let days = try DayRangeQuery.parse(from: rawFrom, to: rawTo)
        let today = user.today(at: clock.now)
        let (projection, totals) = try await database.fullStreak(userID: user.userID, qualifySeconds: qualifySeconds)
        return projection.states(from: days.lowerBound, to: days.upperBound, today: today).map { day, state in
            (day, Int((totals[day] ?? 0) / 60), state ?? .unstarted)
        }
    }
}
