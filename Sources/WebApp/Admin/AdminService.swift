import Domain
import Foundation
import Hummingbird
import Synchronization

/// The admin overview's rules: query validation, the 7-day window, row values.
struct AdminService: Sendable {
    let database: any AdminStorage
    let clock: any WallClock
    /// Site-wide totals scan every user, task and daily total, so they are computed by one
    /// request at a time, at most once per ``totalsLifetime``, and shared between requests.
    let totalsCache = TotalsCache()
    let focusWindow = FocusWindowMark()
    static let totalsLifetime: TimeInterval = 10

    static let perPage = 50

    struct Query: Sendable {
        var search = ""
        var sort = AdminSort.created
        var descending = true
        var page = 1

        /// Far beyond any real overview (50 users a page), and the page's offset stays a
        /// small number.
        static let maxPage = 1_000_000

        /// The first page of all users, newest first.
        init() {}

        /// `sort` like `-created`; an unknown sort or a bad page is a 422 naming it.
        init(search: String?, sort: String?, page: String?) throws(AppError) {
            var errors = FieldErrors()
            self.search = (search ?? "").trimmingWhitespace
            if let sort, !sort.isEmpty {
                let name = sort.hasPrefix("-") ? String(sort.dropFirst()) : sort
                if let parsed = AdminSort(rawValue: name) {
                    self.sort = parsed
                    descending = sort.hasPrefix("-")
                } else {
                    errors["sort"] = "must be one of created, last_active, focus_7d, xp, with an optional leading -"
                }
            }
            if let page, !page.isEmpty {
                if let number = Int(page), (1...Self.maxPage).contains(number) { self.page = number } else { errors["page"] = "must be a whole number from 1 to \(Self.maxPage)" }
            }
            guard errors.isEmpty else { throw AppError.validation(errors) }
        }

        var sortParameter: String { (descending ? "-" : "") + sort.rawValue }
    }

    struct Page: Sendable {
        let rows: [AdminUserRow]
        let page: Int
        let pages: Int
        let matching: Int
        let totals: AdminTotals
        let today: LocalDate
    }

    /// "Focus in 7 days" counts the last seven UTC calendar days including today.
    var since7d: LocalDate { LocalDate(clock.now, in: .gmt).adding(days: -6) }

    func page(_ query: Query) async throws -> Page {
        let now = clock.now
        let since7d = since7d
        if query.sort == .focus7d, focusWindow.start != since7d {
            // The first sort by 7-day focus of a day moves the stored window (once a day).
            try await database.moveFocus7dWindow(to: since7d)
            focusWindow.start = since7d
        }
        let (cached, compute) = totalsCache.use(at: now, lifetime: Self.totalsLifetime)
        let result: (rows: [AdminUserRow], matching: Int, totals: AdminTotals?)
        do {
            result = try await database.adminPage(
                search: query.search, sort: query.sort, descending: query.descending, page: query.page, perPage: Self.perPage,
                since7d: since7d, totalsSince: compute ? now.addingTimeInterval(-7 * 86_400) : nil, approximateUsers: cached?.users)
        } catch {
            if compute { totalsCache.abandon() }
            throw error
        }
        if let fresh = result.totals { totalsCache.store(fresh, at: now) }
        let totals = result.totals ?? cached ?? AdminTotals(users: 0, active7d: 0, tasks: 0, focusSeconds: 0)
        return Page(
            rows: result.rows, page: query.page, pages: max(1, (result.matching + Self.perPage - 1) / Self.perPage),
            matching: result.matching, totals: totals, today: LocalDate(now, in: .gmt))
    }

    /// Changes a user's role or state, or resets their two-factor sign-in (for someone
    /// who lost their phone and their recovery codes); the change goes in that user's
    /// security log, with the admin's name and address.
    func update(_ userID: Int64, by admin: UserRecord, isAdmin: Bool?, disabled: Bool?, resetTwoFactor: Bool = false, ip: String) async throws -> AdminUserRow {
        let what = [
            isAdmin.map { $0 ? "made an admin" : "admin role removed" }, disabled.map { $0 ? "disabled" : "enabled" },
            resetTwoFactor ? "two-factor sign-in reset" : nil,
        ].compactMap { $0 }
        let event = SecurityEvent(.adminChangedAccount, ip: ip, detail: what.joined(separator: ", ") + " by \(admin.username)")
        do {
            guard
                try await database.adminUpdate(
                    userID: userID, by: admin.userID, isAdmin: isAdmin, disabled: disabled, resetTwoFactor: resetTwoFactor, logging: event, now: clock.now) != nil,
                let row = try await database.adminRow(userID: userID, since7d: since7d)
            else { throw AppError.notFound }
            return row
        } catch AdminConflict.selfProtection {
            throw AppError(.conflict, "self_protection", "You cannot demote or disable yourself.")
        } catch AdminConflict.lastAdmin {
            throw AppError(.conflict, "last_admin", "The last admin cannot lose the role.")
        }
    }

    /// One user's row as it is now.
    func row(_ userID: Int64) async throws -> AdminUserRow {
        guard let row = try await database.adminRow(userID: userID, since7d: since7d) else { throw AppError.notFound }
        return row
    }

    /// The user's current streak as of their own today.
    static func currentStreak(_ row: AdminUserRow, now: Date) -> Int {
        row.streak.status(today: row.user.today(at: now)).current
    }
}

/// The start of the stored 7-day focus window as this process last moved it.
final class FocusWindowMark: Sendable {
    private let mark = Mutex<LocalDate?>(nil)

    var start: LocalDate? {
        get { mark.withLock { $0 } }
        set { mark.withLock { $0 = newValue } }
    }
}
