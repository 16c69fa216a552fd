import Domain
import Foundation
import Testing

@testable import WebApp

/// The admin overview and admin changes hold to one contract on both backends (SPEC §5, §14).
@Suite(.coversBothBackends) struct AdminStorageContractTests {
    static let now = StorageContractTests.now
    static let since7d = LocalDate("2026-11-23")!

    /// Nine users: created a day apart in reverse name order, XP and last activity mixed
    /// (three never active), two with focus days.
    static func seed(_ store: TestStore) async throws -> [UserRecord] {
        var users: [UserRecord] = []
        for (index, name) in ["Ivy", "hal", "gus", "Fay", "eve", "dan", "Cy", "bob", "ada"].enumerated() {
            let user = try await StorageContractTests.newUser(store, name)
            let active = index % 3 == 0 ? "NULL" : "'2026-11-\(10 + (index * 7) % 9) 12:00:00'"
            try await store.execute(
                "UPDATE users SET created_at = '2026-10-\(10 + index) 08:00:00', xp = \((index * 37) % 5 * 10), last_active_at = \(active) WHERE id = \(user.userID)")
            users.append(user)
        }
        try await store.execute(
            """
            INSERT INTO daily_totals (user_id, day, seconds) VALUES (\(users[0].userID), '2026-11-25', 600), (\(users[4].userID), '2026-11-28', 1200),
                (\(users[4].userID), '2026-11-01', 60)
            """)
        return users
    }

    /// Every page of the overview in one sort, its rows' ids in order.
    static func allPages(_ db: any TestStore.Storage, sort: AdminSort, descending: Bool, search: String = "") async throws -> [Int64] {
        var ids: [Int64] = []
        for page in 1...4 {
            let result = try await db.adminPage(
                search: search, sort: sort, descending: descending, page: page, perPage: 3, since7d: since7d, totalsSince: nil, approximateUsers: 9)
            ids += result.rows.map(\.user.userID)
        }
        return ids
    }

    @Test(arguments: Backend.available)
    func everySortPagesThroughEveryUserInOrderFromEitherEnd(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let seeded = try await Self.seed(store)
            let users = try await withThrowingTaskGroup(of: UserRecord?.self) { group in
                for user in seeded { group.addTask { try await db.user(id: user.userID) } }
                return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
            }
            for sort in AdminSort.allCases {
                for descending in [false, true] {
                    let expected = Self.expectedOrder(users, sort: sort, descending: descending)
                    #expect(try await Self.allPages(db, sort: sort, descending: descending) == expected, "\(sort) \(descending ? "desc" : "asc")")
                }
            }
        }
    }

    static func expectedOrder(_ users: [UserRecord], sort: AdminSort, descending: Bool) -> [Int64] {
        let key: (UserRecord) -> Double? =
            switch sort {
            case .created: { $0.createdAt.timeIntervalSince1970 }
            case .lastActive: { $0.lastActiveAt?.timeIntervalSince1970 }
            case .xp: { Double($0.xp) }
            case .focus7d: { $0.userID == users.first { $0.username == "eve" }?.userID ? 1200 : ($0.username == "Ivy" ? 600 : 0) }
            }
        let active = users.filter { key($0) != nil }.sorted { a, b in
            let (x, y) = (key(a)!, key(b)!)
            return x != y ? (descending ? x > y : x < y) : (descending ? a.userID > b.userID : a.userID < b.userID)
        }
        let never = users.filter { key($0) == nil }.sorted { descending ? $0.userID > $1.userID : $0.userID < $1.userID }
        return (active + never).map(\.userID)
    }

    @Test(arguments: Backend.available)
    func searchTotalsAndTheSevenDayWindow(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let users = try await Self.seed(store)
            try await db.moveFocus7dWindow(to: Self.since7d)
            let bySeven = try await db.adminPage(
                search: "", sort: .focus7d, descending: true, page: 1, perPage: 3, since7d: Self.since7d, totalsSince: Self.now - 30 * 86_400, approximateUsers: nil)
            #expect(bySeven.rows.map(\.user.username) == ["eve", "Ivy", "ada"])
            #expect(bySeven.rows.map(\.focusSeconds7d) == [1200, 600, 0] && bySeven.rows[0].focusSecondsTotal == 1260)
            #expect(bySeven.matching == 9)
            let totals = try #require(bySeven.totals)
            #expect(totals.users == 9 && totals.active7d == 6 && totals.tasks == 0 && totals.focusSeconds == 1860)

            let search = try await db.adminPage(
                search: "Y", sort: .created, descending: false, page: 1, perPage: 3, since7d: Self.since7d, totalsSince: nil, approximateUsers: nil)
            #expect(search.rows.map(\.user.username) == ["Ivy", "Fay", "Cy"] && search.matching == 3, "any case, under three letters")
            #expect(try await Self.allPages(db, sort: .created, descending: false, search: "IVY").count == 1, "three letters: the trigram index")
            let beyond = try await db.adminPage(
                search: "a", sort: .created, descending: false, page: 9, perPage: 3, since7d: Self.since7d, totalsSince: nil, approximateUsers: nil)
            #expect(beyond.rows.isEmpty && beyond.matching == 4, "past the last page: counted apart")
            #expect(try await db.adminRow(userID: users[4].userID, since7d: Self.since7d)?.focusSeconds7d == 1200)
            #expect(try await db.adminRow(userID: 999, since7d: Self.since7d) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func adminChangesKeepAnAdminAndDisablingEndsSessions(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let (root, _) = try await db.upsertAdmin(username: "root", passwordHash: "h", at: Self.now)
            let ada = try await StorageContractTests.newUser(store)
            let event = SecurityEvent(.adminChangedAccount, ip: "192.0.2.1")
            await #expect(throws: AdminConflict.selfProtection) {
                try await db.adminUpdate(userID: root.userID, by: root.userID, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            }
            _ = try await db.adminUpdate(userID: ada.userID, by: root.userID, isAdmin: true, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            _ = try await db.adminUpdate(userID: ada.userID, by: root.userID, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            await #expect(throws: AdminConflict.lastAdmin) {
                try await db.adminUpdate(userID: root.userID, by: ada.userID, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            }
            let session = try await db.startSession(userID: ada.userID, origin: SignInOrigin(device: "d", ip: "192.0.2.1"), refresh: ("t", Self.now + 60), now: Self.now)
            _ = try await db.beginTwoFactor(userID: ada.userID, sealed: [1], keyID: "k", now: Self.now)
            _ = try await db.enableTwoFactor(userID: ada.userID, step: 5, recoveryHashes: ["r"], ip: "192.0.2.1", now: Self.now)
            let disabled = try #require(try await db.adminUpdate(userID: ada.userID, by: root.userID, isAdmin: nil, disabled: true, resetTwoFactor: true, logging: event, now: Self.now))
            #expect(disabled.disabled && !disabled.twoFactor && disabled.tokenVersion == 1 && !disabled.isAdmin && disabled.xp == 0)
            #expect(try await db.user(id: ada.userID, session: session) == nil)
            #expect(try await db.twoFactorSecret(userID: ada.userID) == nil)
            #expect(try await db.adminUpdate(userID: 999, by: root.userID, isAdmin: true, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now) == nil)
            #expect(try await db.securityLog(userID: ada.userID).filter { $0.event == "admin_changed_account" }.count == 3)
            #expect(try await store.integer("SELECT count(*) FROM security_log WHERE event = 'admin_changed_account'") == 3)
            let entries = try await store.integer("SELECT count(*) FROM security_log")
            #expect(try await db.pruneSecurityLog(before: Self.now) == 0)
            #expect(try await db.pruneSecurityLog(before: Self.now + 1) == entries)
            #expect(try await db.securityLog(userID: ada.userID).isEmpty)
        }
    }

    /// Two admins demoting each other at the same moment (on PostgreSQL from two
    /// connections) leave one admin.
    @Test(arguments: Backend.available)
    func adminsDemotingEachOtherAtOnceLeaveOne(backend: Backend) async throws {
        try await TestStore.with(backend) { store in
            let db = store.storage
            let (one, _) = try await db.upsertAdmin(username: "one", passwordHash: "h", at: Self.now)
            let (two, _) = try await db.upsertAdmin(username: "two", passwordHash: "h", at: Self.now)
            let event = SecurityEvent(.adminChangedAccount, ip: nil)
            async let first = try? db.adminUpdate(userID: two.userID, by: one.userID, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            async let second = try? db.adminUpdate(userID: one.userID, by: two.userID, isAdmin: false, disabled: nil, resetTwoFactor: false, logging: event, now: Self.now)
            _ = await (first, second)
            let admins = [try await db.user(id: one.userID), try await db.user(id: two.userID)].compactMap { $0 }.filter(\.isAdmin)
            #expect(admins.count == 1)
        }
    }
}
