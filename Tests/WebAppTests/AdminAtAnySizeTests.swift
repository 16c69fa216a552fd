import Domain
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import WebApp

/// The admin overview's ways of costing the same at any size (issue 21) give the answers
/// the plain ways did: pages read from the end, the kept 7-day focus, the trigram search.
@Suite(.sqliteOnly, .closingTestApps) struct AdminAtAnySizeTests {
    /// `root` plus 169 users: ties in 7-day focus, never-active users (no last active), a
    /// few names with `_`, `.` and capitals, daily totals inside and outside the 7 days.
    func seeded() async throws -> (TestApp, String) {
        let app = try await TestApp.make()
        try await app.addAdmin()
        let today = LocalDate(app.clock.now, in: .gmt)
        try await app.sqlite.pool.write { db in
            for index in 1..<170 {
                let name = index % 17 == 0 ? "Zoe_\(index).x" : "user\(index)"
                let active: Date? = index % 3 == 0 ? nil : app.clock.now.addingTimeInterval(-Double(index * 600))
                try db.execute(
                    sql: "INSERT INTO users (username, password_hash, created_at, last_active_at, xp) VALUES (?, 'x', ?, ?, ?)",
                    arguments: [name, app.clock.now.addingTimeInterval(Double(index)), active, index * 7 % 50])
                let id = db.lastInsertedRowID
                for back in [0, 3, 6, 7, 12] where (index + back) % 4 != 0 {
                    try db.execute(
                        sql: "INSERT INTO daily_totals (user_id, day, seconds) VALUES (?, ?, ?)",
                        arguments: [id, today.adding(days: -back).description, Double(index % 9 * 600)])
                }
            }
        }
        let token = try await app.test { client in try await client.apiLogin("root") }
        return (app, token)
    }

    /// Every page of every sort, both ways, put together, is the whole order without the
    /// pages: the ones past the middle are read from the end.
    @Test func pagesReadFromTheEndMakeTheSameOrder() async throws {
        let (app, token) = try await seeded()
        let since = LocalDate(app.clock.now, in: .gmt).adding(days: -6).description
        try await app.test { client in
            for sort in AdminSort.allCases {
                for descending in [false, true] {
                    let key = sort == .focus7d
                        ? "COALESCE((SELECT SUM(seconds) FROM daily_totals d WHERE d.user_id = users.id AND d.day >= '\(since)'), 0)" : sort.column
                    let direction = descending ? "DESC" : "ASC"
                    let nulls = sort == .lastActive && !descending ? " NULLS LAST" : ""
                    let expected = try await app.sqlite.pool.read { db in
                        try String.fetchAll(db, sql: "SELECT username FROM users ORDER BY \(key) \(direction)\(nulls), id \(direction)")
                    }
                    var seen: [String] = []
                    for page in 1...4 {
                        let json = try await client.api(.get, "/api/v1/admin/users?sort=\(descending ? "-" : "")\(sort.rawValue)&page=\(page)", token: token).json()
                        #expect(json["total"] as? Int == 170 && json["pages"] as? Int == 4)
                        seen += (json["items"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
                    }
                    #expect(seen == expected, "\(descending ? "-" : "")\(sort.rawValue)")
                    let past = try await client.api(.get, "/api/v1/admin/users?sort=\(sort.rawValue)&page=5", token: token).json()
                    #expect((past["items"] as? [Any])?.isEmpty == true && past["total"] as? Int == 170)
                }
            }
        }
    }

    /// The stored 7-day focus follows new focus and the days going by (the window moves
    /// with the first sort by it of a day), also when the clock goes back.
    @Test func sevenDayFocusFollowsSessionsAndTheDays() async throws {
        let (app, firstToken) = try await seeded()
        try await app.test { client in
            var token = firstToken
            func order() async throws -> [String] {
                let response = try await client.api(.get, "/api/v1/admin/users?sort=-focus_7d", token: token)
                return try #require(try response.json()["items"] as? [[String: Any]], "\(response.status) \(response.text)")
                    .compactMap { $0["username"] as? String }
            }
            func expected() async throws -> [String] {
                let since = LocalDate(app.clock.now, in: .gmt).adding(days: -6).description
                return try await app.sqlite.pool.read { db in
                    try String.fetchAll(db, sql: """
                        SELECT username FROM users ORDER BY
                        COALESCE((SELECT SUM(seconds) FROM daily_totals d WHERE d.user_id = users.id AND d.day >= ?), 0) DESC, id DESC LIMIT 50
                        """, arguments: [since])
                }
            }
            #expect(try await order() == (try await expected()))
            let ada = try await client.apiSignup("ada")
            let start = app.clock.now.addingTimeInterval(-11 * 3600)
            let body = #"{"session_id":"s1","start_time":"\#(RFC3339.string(start))","end_time":"\#(RFC3339.string(start.addingTimeInterval(10 * 3600)))","timezone":"UTC"}"#
            #expect(try await client.api(.post, "/api/v1/sessions", json: body, token: ada.access).status == .created)
            #expect(try await order().first == "ada", "ten hours lead")
            for days in [1.0, 3, 5, -4, 9] {
                app.clock.advance(by: days * 86_400)
                token = try await client.apiLogin("root")
                #expect(try await order() == (try await expected()), "after moving \(days) days")
                #expect(try await app.counterDrift() == 0)
            }
        }
    }

    /// A search finds the same names whether it reads the trigram index (three characters
    /// or more) or compares every name (fewer): part of a name, any case, `_` and `.`
    /// meant literally, quotes harmless.
    @Test func searchByTrigramsFindsWhatComparingEveryNameFinds() async throws {
        let (app, token) = try await seeded()
        try await app.test { client in
            let names = try await app.sqlite.pool.read { db in try String.fetchAll(db, sql: "SELECT username FROM users") }
            for query in ["user1", "USER1", "oe_", "_1", ".x", "e", "r16", "zoe_34.X", "\"", "user\"1", "%", "no such one"] {
                var found: [String] = []
                for page in 1...4 {
                    let json = try await client.api(.get, "/api/v1/admin/users?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&page=\(page)", token: token)
                    #expect(json.status == .ok, "\(query)")
                    found += (try json.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
                }
                let expected = names.filter { $0.lowercased().contains(query.lowercased()) }
                #expect(Set(found) == Set(expected) && found.count == expected.count, "\(query): \(found.count) vs \(expected.count)")
            }
        }
    }
}
