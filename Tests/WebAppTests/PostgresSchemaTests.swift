import Domain
import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import WebApp

/// PostgreSQL's schema (SPEC §14) against SQLite's, and the rules it keeps itself, on the
/// throwaway server `make test` starts.
@Suite(.coversBothBackends, .enabled(if: TestPostgres.available, "needs TEST_DATABASE_URL (make test starts a server)"))
struct PostgresSchemaTests {
    /// However many requests wait, a store opens at most its pool's size of connections
    /// (`DATABASE_POOL_SIZE`), plus the one listening for live changes.
    @Test func aStoreOpensAtMostItsPoolSize() async throws {
        let store = try PostgresStore(url: try await TestPostgres.freshDatabaseURL(), poolSize: 3, logger: TestPostgres.logger)
        store.start()
        let most = try await using(store, closing: { try await $0.shutdown() }) { store in
            try await store.migrate()
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await store.read { connection in
                            let rows = try await connection.query(
                                "SELECT count(*)::int FROM pg_stat_activity, pg_sleep(0.05) WHERE datname = current_database()", logger: TestPostgres.logger)
                            return try await TestPostgres.values(rows, as: Int.self).first ?? 0
                        }
                    }
                }
                return try await group.reduce(0) { max($0, $1) }
            }
        }
        #expect(most >= 2 && most <= 4, "\(most) connections")
    }

    /// Arrays whose elements may be NULL (the task page's columns) decode element for
    /// element; an empty or NULL array is no elements.
    @Test func nullableArraysDecodeEveryElement() async throws {
        try await TestPostgres.withFreshDatabase { connection in
            let rows = try await connection.query(
                "SELECT ARRAY[3, NULL, 1]::int8[], ARRAY['a', NULL, 'ü']::text[], '{}'::int8[], NULL::int8[], ARRAY[now(), NULL]::timestamptz[]",
                logger: TestPostgres.logger)
            var decoded = 0
            for try await row in rows {
                decoded += 1
                var columns = PostgresColumns(row)
                #expect(try columns.array(Int64.self) == [3, nil, 1])
                #expect(try columns.array(String.self) == ["a", nil, "ü"])
                #expect(try columns.array(Int64.self).isEmpty && columns.array(Int64.self).isEmpty)
                let dates = try columns.array(Date.self)
                #expect(dates.count == 2 && dates[0] != nil && dates[1] == nil)
            }
            #expect(decoded == 1)
        }
    }

    /// A `DATABASE_URL` naming the server's socket folder (`?host=/folder`) migrates and
    /// reads over the Unix socket, not TCP (`inet_server_addr()` is NULL on a socket).
    @Test func aStoreReachesTheServerThroughItsUnixSocket() async throws {
        let tcpURL = try await TestPostgres.freshDatabaseURL()
        let folder = try await TestPostgres.withConnection(try PostgresURL.configuration(tcpURL)) { connection in
            let rows = try await connection.query("SELECT split_part(current_setting('unix_socket_directories'), ',', 1)", logger: TestPostgres.logger)
            return try #require(try await TestPostgres.values(rows, as: String.self).first)
        }
        var socketURL = try #require(URLComponents(string: tcpURL))
        socketURL.queryItems = [URLQueryItem(name: "host", value: folder)]
        let store = try PostgresStore(url: try #require(socketURL.string), poolSize: 2, logger: TestPostgres.logger)
        store.start()
        let serverAddress = try await using(store, closing: { try await $0.shutdown() }) { store in
            #expect(try await store.migrate().isEmpty == false)
            return try await store.read { connection in
                let rows = try await connection.query("SELECT inet_server_addr()::text", logger: TestPostgres.logger)
                var addresses: [String?] = []
                for try await address in rows.decode(String?.self) { addresses.append(address) }
                return addresses
            }
        }
        #expect(serverAddress == [nil], "over a socket, not \(serverAddress)")
    }

    /// Every table and column SQLite's migrations make exists on PostgreSQL, with the same
    /// NOT NULL: a new SQLite migration without its PostgreSQL twin fails here.
    @Test func everySQLiteTableAndColumnExistsOnPostgres() async throws {
        let sqlite = try AppDatabase(path: TemporaryFolders.new("pg-parity").appendingPathComponent("app.sqlite").path)
        try sqlite.migrate()
        let expected = try await sqlite.pool.read { db in
            var columns: Set<String> = []
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name != 'grdb_migrations' AND name NOT LIKE 'users_search%'
                """)
            for table in tables {
                for column in try Row.fetchAll(db, sql: "SELECT name, \"notnull\", pk FROM pragma_table_info(?)", arguments: [table]) {
                    let notNull = (column["notnull"] as Int) == 1 || (column["pk"] as Int) > 0
                    columns.insert("\(table).\(column["name"] as String)\(notNull ? " NOT NULL" : "")")
                }
            }
            return columns
        }
        let actual = try await TestPostgres.withFreshDatabase { connection in
            try await PostgresMigrator(connection: connection, logger: TestPostgres.logger).migrate()
            var columns: Set<String> = []
            let rows = try await connection.query("""
                SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
                """, logger: TestPostgres.logger)
            for try await (table, column, nullable) in rows.decode((String, String, String).self) where !PostgresMigrations.postgresOnlyTables.contains(table) {
                columns.insert("\(table).\(column)\(nullable == "NO" ? " NOT NULL" : "")")
            }
            return columns
        }
        #expect(expected.subtracting(actual).sorted() == [], "on SQLite only")
        #expect(actual.subtracting(expected).sorted() == [], "on PostgreSQL only")
        #expect(expected.count > 150)
    }

    /// Two instances starting at once: each migration runs once, and a later start has
    /// nothing to do.
    @Test func instancesStartingAtOnceMigrateOnce() async throws {
        let configuration = try await TestPostgres.freshDatabaseConfiguration()
        try await TestPostgres.withConnection(configuration) { first in
            try await TestPostgres.withConnection(configuration) { second in
                async let a = PostgresMigrator(connection: first, logger: TestPostgres.logger).migrate()
                async let b = PostgresMigrator(connection: second, logger: TestPostgres.logger).migrate()
                let applied = try await a + b
                #expect(applied.sorted() == PostgresMigrations.all.map(\.name).sorted())
            }
            #expect(try await PostgresMigrator(connection: first, logger: TestPostgres.logger).migrate() == [])
            let names = try await TestPostgres.values(first.query("SELECT name FROM schema_migrations", logger: TestPostgres.logger), as: String.self)
            #expect(names.sorted() == PostgresMigrations.all.map(\.name).sorted())
        }
    }

    /// The rules the schema keeps for every instance: one live timer per user, an XP reason
    /// counted once, usernames unique whatever their case; and the counters the admin
    /// overview reads, kept by triggers, equal a recount after random writes.
    @Test func theSchemaKeepsItsRules() async throws {
        try await TestPostgres.withFreshDatabase { db in try await Self.checkRules(db) }
    }

    private static func checkRules(_ db: PostgresConnection) async throws {
        let log = TestPostgres.logger
        try await PostgresMigrator(connection: db, logger: log).migrate()
        for name in ["ada", "bob"] {
            try await db.query("INSERT INTO users (username, password_hash, created_at) VALUES (\(name), 'x', now())", logger: log)
        }
        await #expect(throws: PSQLError.self) {
            try await db.query("INSERT INTO users (username, password_hash, created_at) VALUES ('ADA', 'x', now())", logger: log)
        }
        let timer = "INSERT INTO timers (user_id, kind, status, planned_seconds, started_at) VALUES (1, 'focus', "
        try await db.query(PostgresQuery(unsafeSQL: timer + "'running', 1500, now())"), logger: log)
        try await db.query(PostgresQuery(unsafeSQL: timer + "'completed', 1500, now())"), logger: log)
        await #expect(throws: PSQLError.self) { try await db.query(PostgresQuery(unsafeSQL: timer + "'paused', 1500, now())"), logger: log) }
        let award = "INSERT INTO xp_ledger (user_id, amount, reason, reference, created_at) VALUES (1, 10, 'task_completed', 'task:1', now())"
        try await db.query(PostgresQuery(unsafeSQL: award), logger: log)
        await #expect(throws: PSQLError.self) { try await db.query(PostgresQuery(unsafeSQL: award), logger: log) }

        var random = SeededRandom(seed: 7)
        var tasks: [Int64] = []
        for step in 0..<300 {
            let user = Int64(random.next() % 2 + 1)
            switch random.next() % 6 {
            case 0, 1:
                let status = ["todo", "in_progress", "done"][Int(random.next() % 3)]
                tasks += try await TestPostgres.values(
                    db.query("INSERT INTO tasks (user_id, title, status, created_at, updated_at) VALUES (\(user), \("t\(step)"), \(status), now(), now()) RETURNING id", logger: log),
                    as: Int64.self)
            case 2 where !tasks.isEmpty:
                let id = tasks[Int(random.next() % UInt64(tasks.count))]
                try await db.query("UPDATE tasks SET status = \(["todo", "in_progress", "done"][Int(random.next() % 3)]) WHERE id = \(id)", logger: log)
            case 3 where !tasks.isEmpty:
                let id = tasks.remove(at: Int(random.next() % UInt64(tasks.count)))
                try await db.query("DELETE FROM tasks WHERE id = \(id)", logger: log)
            case 4:
                let day = "2026-11-\(10 + random.next() % 20)"
                try await db.query("""
                    INSERT INTO daily_totals (user_id, day, seconds) VALUES (\(user), \(day)::date, \(Double(random.next() % 3600)))
                    ON CONFLICT (user_id, day) DO UPDATE SET seconds = daily_totals.seconds + excluded.seconds
                    """, logger: log)
            default:
                if step == 150 { try await db.query("UPDATE focus_7d_window SET since = '2026-11-20'", logger: log) }
                try await db.query("DELETE FROM daily_totals WHERE user_id = \(user) AND day = \("2026-11-\(10 + random.next() % 20)")::date", logger: log)
            }
        }
        // After the window moved, the 7-day column is re-summed the way the app moves it.
        try await db.query("""
            UPDATE users SET focus_7d_seconds = COALESCE((SELECT SUM(seconds) FROM daily_totals
                WHERE user_id = users.id AND day >= (SELECT since FROM focus_7d_window)), 0)
            """, logger: log)
        try await db.query("DELETE FROM daily_totals WHERE day = '2026-11-25'", logger: log)
        let drift = try await TestPostgres.values(db.query(PostgresQuery(unsafeSQL: UserCounters.driftSQL), logger: log), as: String.self)
        #expect(drift == [])
        #expect(tasks.count > 20, "the walk made tasks")

        try await db.query("INSERT INTO sign_in_sessions (user_id, device, created_at, last_seen_at) VALUES (2, 'phone', now(), '2030-01-01')", logger: log)
        let seen = try await TestPostgres.values(db.query("SELECT last_active_at = '2030-01-01'::timestamptz FROM users WHERE id = 2", logger: log), as: Bool.self)
        #expect(seen == [true], "a session seen makes its user active")
    }

    /// Migration text is sent a statement at a time: a `;` inside a function body does not
    /// end its statement.
    @Test func statementsSplitOutsideFunctionBodies() {
        let migration = PostgresMigrations.Migration(name: "x", sql: """
            -- a comment
            CREATE TABLE a (id BIGINT);

            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE a SET id = 1;
                RETURN NULL;
            END $$;
            CREATE TRIGGER t AFTER INSERT ON a
                FOR EACH ROW EXECUTE FUNCTION f();
            """)
        #expect(migration.statements.count == 3)
        #expect(migration.statements[1].hasPrefix("CREATE FUNCTION") && migration.statements[1].hasSuffix("END $$;"))
        #expect(migration.statements[2] == "CREATE TRIGGER t AFTER INSERT ON a\n    FOR EACH ROW EXECUTE FUNCTION f();")
    }
}

/// `DATABASE_URL` as PostgreSQL's connection settings.
@Suite struct PostgresURLTests {
    @Test func readsEveryPart() throws {
        let configuration = try PostgresURL.configuration("postgres://fq:p%40ss@db.example:5433/focus?sslmode=require")
        #expect(configuration.host == "db.example" && configuration.port == 5433)
        #expect(configuration.username == "fq" && configuration.password == "p@ss" && configuration.database == "focus")
        #expect(configuration.tls.isEnforced)
        let plain = try PostgresURL.configuration("postgresql://fq@localhost/focus")
        #expect(plain.port == 5432 && plain.password == nil && !plain.tls.isAllowed)
        #expect(try PostgresURL.configuration("postgres://fq:100%25@localhost/focus").password == "100%", "decoded once")
        let preferred = try PostgresURL.configuration("postgres://fq@localhost/focus?sslmode=prefer").tls
        #expect(preferred.isAllowed && !preferred.isEnforced)
    }

    @Test func aHostFolderIsTheServersUnixSocket() throws {
        let socket = try PostgresURL.configuration("postgres://fq:pw@/focus?host=/run/postgresql&sslmode=prefer")
        #expect(socket.unixSocketPath == "/run/postgresql/.s.PGSQL.5432" && socket.host == nil)
        #expect(socket.username == "fq" && socket.password == "pw" && socket.database == "focus" && !socket.tls.isAllowed)
        let otherPort = try PostgresURL.clientConfiguration("postgresql://fq@localhost:6543/focus?host=/tmp/pg")
        #expect(otherPort.unixSocketPath == "/tmp/pg/.s.PGSQL.6543", "the query's host wins over the authority's, as in libpq")
        #expect(try PostgresURL.configuration("postgres://fq@/focus?host=db.example").host == "db.example")
        var config = AppConfig()
        config.databaseURL = "postgres://fq:secret@/focus?host=/run/postgresql"
        #expect(config.databaseSummary == "postgresql socket /run/postgresql:5432/focus", "the start-up line names the socket, not the password")
        #expect(throws: PostgresURL.Invalid.self, "no TLS on a socket") {
            try PostgresURL.configuration("postgres://fq@/focus?host=/run/postgresql&sslmode=require")
        }
    }

    @Test(arguments: [
        "sqlite:///data/app.sqlite", "postgres:///focus", "postgres://localhost/focus", "not a url", "postgres://fq@localhost/focus?sslmode=maybe",
    ])
    func refusesWhatIsNotAServer(text: String) {
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL.configuration(text) }
    }
}
