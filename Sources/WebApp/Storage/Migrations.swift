import GRDB

/// The versioned schema. Released migrations never change; new features add new ones.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    timezone TEXT NOT NULL DEFAULT 'UTC',
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    token_version INTEGER NOT NULL DEFAULT 0,
                    focus_minutes INTEGER NOT NULL DEFAULT 25,
                    short_break_minutes INTEGER NOT NULL DEFAULT 5,
                    long_break_minutes INTEGER NOT NULL DEFAULT 15,
                    long_break_every INTEGER NOT NULL DEFAULT 4,
                    xp INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    last_active_at DATETIME
                );
                CREATE TABLE refresh_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    family TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL,
                    used_at DATETIME,
                    revoked_at DATETIME
                );
                CREATE INDEX refresh_tokens_by_user ON refresh_tokens(user_id);
                CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
                CREATE TABLE xp_ledger (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    amount INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    reference TEXT,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX xp_ledger_by_user ON xp_ledger(user_id);
                """)
        }
        migrator.registerMigration("v2-tasks") { db in
            try db.execute(sql: """
                CREATE TABLE tasks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done')),
                    estimate_pomodoros INTEGER CHECK (estimate_pomodoros BETWEEN 0 AND 50),
                    focus_seconds INTEGER NOT NULL DEFAULT 0,
                    pomodoros INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    completed_at DATETIME
                );
                CREATE INDEX tasks_by_user ON tasks(user_id, id);
                CREATE INDEX tasks_by_user_status ON tasks(user_id, status, id);
                CREATE UNIQUE INDEX xp_ledger_once ON xp_ledger(user_id, reason, reference) WHERE reference IS NOT NULL;
                """)
        }
        migrator.registerMigration("v3-focus") { db in
            try db.execute(sql: """
                CREATE TABLE timers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('focus', 'short_break', 'long_break')),
                    status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'cancelled')),
                    task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
                    planned_seconds INTEGER NOT NULL,
                    started_at DATETIME NOT NULL,
                    paused_at DATETIME,
                    paused_seconds DOUBLE NOT NULL DEFAULT 0,
                    ended_at DATETIME
                );
                CREATE UNIQUE INDEX timers_one_live ON timers(user_id) WHERE status IN ('running', 'paused');
                CREATE INDEX timers_by_user ON timers(user_id, id);
                CREATE TABLE focus_sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    session_id TEXT NOT NULL,
                    start_time DATETIME NOT NULL,
                    end_time DATETIME NOT NULL,
                    timezone TEXT NOT NULL,
                    task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
                    full_pomodoro INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL,
                    UNIQUE (user_id, session_id)
                );
                CREATE INDEX focus_sessions_by_user_start ON focus_sessions(user_id, start_time);
                CREATE TABLE daily_totals (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    day TEXT NOT NULL,
                    seconds DOUBLE NOT NULL,
                    PRIMARY KEY (user_id, day)
                ) WITHOUT ROWID;
                CREATE TABLE streaks (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    last_run_length INTEGER NOT NULL,
                    longest INTEGER NOT NULL,
                    qualified_days INTEGER NOT NULL,
                    last_qualified_date TEXT,
                    milestones INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-admin-sorting") { db in
            try db.execute(sql: """
                CREATE INDEX users_by_created ON users(created_at, id);
                CREATE INDEX users_by_last_active ON users(last_active_at, id);
                CREATE INDEX users_by_xp ON users(xp, id);
                """)
        }
        // Per-user counters the admin overview shows for 50 users per page, kept by
        // triggers so every write path (pages, API, seed) keeps them exact without
        // extra code: tasks by status and all-time focus seconds.
        migrator.registerMigration("v5-user-counters") { db in
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN todo_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN in_progress_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN done_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN focus_seconds_total DOUBLE NOT NULL DEFAULT 0;
                UPDATE users SET
                    todo_count = (SELECT COUNT(*) FROM tasks WHERE user_id = users.id AND status = 'todo'),
                    in_progress_count = (SELECT COUNT(*) FROM tasks WHERE user_id = users.id AND status = 'in_progress'),
                    done_count = (SELECT COUNT(*) FROM tasks WHERE user_id = users.id AND status = 'done'),
                    focus_seconds_total = COALESCE((SELECT SUM(seconds) FROM daily_totals WHERE user_id = users.id), 0);
                CREATE TRIGGER tasks_counted_on_insert AFTER INSERT ON tasks BEGIN
                    UPDATE users SET todo_count = todo_count + (NEW.status = 'todo'),
                        in_progress_count = in_progress_count + (NEW.status = 'in_progress'),
                        done_count = done_count + (NEW.status = 'done')
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER tasks_counted_on_delete AFTER DELETE ON tasks BEGIN
                    UPDATE users SET todo_count = todo_count - (OLD.status = 'todo'),
                        in_progress_count = in_progress_count - (OLD.status = 'in_progress'),
                        done_count = done_count - (OLD.status = 'done')
                    WHERE id = OLD.user_id;
                END;
                CREATE TRIGGER tasks_counted_on_status AFTER UPDATE OF status ON tasks WHEN OLD.status != NEW.status BEGIN
                    UPDATE users SET todo_count = todo_count + (NEW.status = 'todo') - (OLD.status = 'todo'),
                        in_progress_count = in_progress_count + (NEW.status = 'in_progress') - (OLD.status = 'in_progress'),
                        done_count = done_count + (NEW.status = 'done') - (OLD.status = 'done')
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER focus_counted_on_insert AFTER INSERT ON daily_totals BEGIN
                    UPDATE users SET focus_seconds_total = focus_seconds_total + NEW.seconds WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER focus_counted_on_update AFTER UPDATE OF seconds ON daily_totals BEGIN
                    UPDATE users SET focus_seconds_total = focus_seconds_total + NEW.seconds - OLD.seconds WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER focus_counted_on_delete AFTER DELETE ON daily_totals BEGIN
                    UPDATE users SET focus_seconds_total = focus_seconds_total - OLD.seconds WHERE id = OLD.user_id;
                END;
                """)
        }
        // Friends: a pending request is one row (from → to); an accepted friendship is
        // two rows, one per direction, so "my friends" is one index range either way.
        migrator.registerMigration("v6-friends") { db in
            try db.execute(sql: """
                CREATE TABLE friend_requests (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    from_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    to_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    created_at DATETIME NOT NULL,
                    UNIQUE (from_user_id, to_user_id),
                    CHECK (from_user_id != to_user_id)
                );
                CREATE INDEX friend_requests_by_recipient ON friend_requests(to_user_id, from_user_id);
                CREATE TABLE friendships (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    friend_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    since DATETIME NOT NULL,
                    PRIMARY KEY (user_id, friend_id),
                    CHECK (user_id != friend_id)
                ) WITHOUT ROWID;
                CREATE INDEX friendships_by_friend ON friendships(friend_id);
                """)
        }
        // The timer's task picker lists a user's newest open tasks on every dashboard. This
        // index holds exactly those rows with what the picker shows, so the list is one
        // index range: no table lookups, and no passing over done tasks.
        migrator.registerMigration("v7-open-tasks") { db in
            try db.execute(sql: """
                CREATE INDEX tasks_open_by_user ON tasks(user_id, id, status, title) WHERE status IN ('todo', 'in_progress');
                """)
        }
        // The per-user key-value store: a value is the JSON text as the client sent it,
        // with its ETag; one index range per user (WITHOUT ROWID, keyed by user and key).
        migrator.registerMigration("v8-key-values") { db in
            try db.execute(sql: """
                CREATE TABLE key_values (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    etag TEXT NOT NULL,
                    updated_at DATETIME NOT NULL,
                    PRIMARY KEY (user_id, key)
                ) WITHOUT ROWID;
                """)
        }
        // A full pomodoro's bonus became +1 per planned minute up to +25 (it was +25 for
        // any length). Sessions remember the planned length of the timer that recorded
        // them; for older full pomodoros it equals their focused length (a timer is full
        // when it ran its planned length, and it stops there). Their ledger entries are
        // re-valued under the new rule and every user's total re-summed from the ledger.
        migrator.registerMigration("v9-pomodoro-bonus-by-length") { db in
            let seconds = "ROUND((julianday(end_time) - julianday(start_time)) * 86400, 3)"
            try db.execute(sql: """
                ALTER TABLE focus_sessions ADD COLUMN planned_seconds INTEGER;
                UPDATE focus_sessions SET planned_seconds = CAST(ROUND(\(seconds)) AS INTEGER) WHERE full_pomodoro = 1;
                UPDATE xp_ledger SET amount = (
                    SELECT CAST(\(seconds) / 60 AS INTEGER) + MIN(25, s.planned_seconds / 60)
                    FROM focus_sessions s
                    WHERE s.user_id = xp_ledger.user_id AND xp_ledger.reference = 'session:' || s.session_id AND s.full_pomodoro = 1)
                WHERE reason = 'focus_session' AND EXISTS (
                    SELECT 1 FROM focus_sessions s
                    WHERE s.user_id = xp_ledger.user_id AND xp_ledger.reference = 'session:' || s.session_id AND s.full_pomodoro = 1);
                UPDATE users SET xp = (SELECT COALESCE(SUM(amount), 0) FROM xp_ledger WHERE xp_ledger.user_id = users.id);
                """)
        }
        // Deleting a task sets the task of its sessions and timers to NULL: without an
        // index on those columns each delete scanned every user's sessions and timers.
        migrator.registerMigration("v10-task-references") { db in
            try db.execute(sql: """
                CREATE INDEX focus_sessions_by_task ON focus_sessions(task_id);
                CREATE INDEX timers_by_task ON timers(task_id);
                """)
        }
        // Fair streaks (SPEC §9): the day rules as set and their history with effective
        // dates, planned breaks, and the walk's state in the stored streak. Rows stored
        // before it are marked stale: the server walks them again at start-up, with its
        // goal (``AppDatabase/rewalkStaleStreaks(qualifySeconds:now:)``).
        migrator.registerMigration("v11-fair-streaks") { db in
            try db.execute(sql: """
                ALTER TABLE users ADD COLUMN day_starts_at INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN rest_days INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN day_rules_from TEXT;
                ALTER TABLE users ADD COLUMN earlier_day_starts_at INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE day_rules (
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    effective_from TEXT NOT NULL,
                    day_starts_at INTEGER NOT NULL,
                    rest_days INTEGER NOT NULL,
                    changed_at DATETIME NOT NULL,
                    PRIMARY KEY (user_id, effective_from)
                ) WITHOUT ROWID;
                CREATE TABLE breaks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    first_day TEXT NOT NULL,
                    last_day TEXT NOT NULL,
                    note TEXT,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX breaks_by_user ON breaks(user_id, first_day);
                ALTER TABLE streaks ADD COLUMN freezes_held INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE streaks ADD COLUMN freezes_used INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE streaks ADD COLUMN first_day TEXT;
                ALTER TABLE streaks ADD COLUMN anchor TEXT;
                ALTER TABLE streaks ADD COLUMN recent_states TEXT NOT NULL DEFAULT '';
                ALTER TABLE streaks ADD COLUMN bridges TEXT NOT NULL DEFAULT '';
                ALTER TABLE streaks ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
                UPDATE streaks SET stale = 1;
                CREATE INDEX streaks_stale ON streaks(user_id) WHERE stale = 1;
                """)
        }
        // Calendar feeds (SPEC §10): one secret URL per user, its token kept as a hash.
        migrator.registerMigration("v12-calendar-feeds") { db in
            try db.execute(sql: """
                CREATE TABLE calendar_feeds (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL
                );
                """)
        }
        // Personal access tokens (SPEC §11): kept as the SHA-256 of the secret.
        migrator.registerMigration("v13-access-tokens") { db in
            try db.execute(sql: """
                CREATE TABLE access_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME,
                    last_used_at DATETIME
                );
                CREATE INDEX access_tokens_by_user ON access_tokens(user_id);
                """)
        }
        // Webhooks (SPEC §11): endpoints, the outbox written in the same transaction as the
        // fact an event reports, and the log of delivery attempts.
        migrator.registerMigration("v14-webhooks") { db in
            try db.execute(sql: """
                CREATE TABLE webhooks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    format TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX webhooks_by_user ON webhooks(user_id);
                CREATE TABLE webhook_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                    event_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE status IN ('pending', 'retrying');
                CREATE INDEX webhook_outbox_by_webhook ON webhook_outbox(webhook_id);
                CREATE TABLE webhook_deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                    outbox_id INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    response_code INTEGER,
                    duration_ms INTEGER NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id, id);
                """)
        }
        // The security log (SPEC §13): what happened to an account, kept 180 days.
        migrator.registerMigration("v15-security-log") { db in
            try db.execute(sql: """
                CREATE TABLE security_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    at DATETIME NOT NULL,
                    event TEXT NOT NULL,
                    ip TEXT,
                    detail TEXT
                );
                CREATE INDEX security_log_by_user ON security_log(user_id, id);
                CREATE INDEX security_log_by_time ON security_log(at);
                """)
        }
        // Account security (SPEC §13): every sign-in is a session of its own, listed and
        // revocable; two-factor sign-in with its sealed secret and hashed recovery codes.
        migrator.registerMigration("v16-account-security") { db in
            try db.execute(sql: """
                CREATE TABLE sign_in_sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    device TEXT NOT NULL,
                    ip TEXT,
                    created_at DATETIME NOT NULL,
                    last_seen_at DATETIME NOT NULL
                );
                CREATE INDEX sign_in_sessions_by_user ON sign_in_sessions(user_id, last_seen_at);
                ALTER TABLE refresh_tokens ADD COLUMN session_id INTEGER REFERENCES sign_in_sessions(id) ON DELETE CASCADE;
                CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);
                CREATE TRIGGER sign_in_sessions_started AFTER INSERT ON sign_in_sessions BEGIN
                    UPDATE users SET last_active_at = NEW.last_seen_at
                    WHERE id = NEW.user_id AND (last_active_at IS NULL OR last_active_at < NEW.last_seen_at);
                END;
                CREATE TRIGGER sign_in_sessions_seen AFTER UPDATE OF last_seen_at ON sign_in_sessions BEGIN
                    UPDATE users SET last_active_at = NEW.last_seen_at
                    WHERE id = NEW.user_id AND (last_active_at IS NULL OR last_active_at < NEW.last_seen_at);
                END;
                ALTER TABLE users ADD COLUMN two_factor BOOLEAN NOT NULL DEFAULT 0;
                CREATE TABLE two_factor_secrets (
                    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    sealed_secret BLOB NOT NULL,
                    key_id TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    enabled_at DATETIME,
                    last_step INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE recovery_codes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    code_hash TEXT NOT NULL,
                    used_at DATETIME
                );
                CREATE INDEX recovery_codes_by_user ON recovery_codes(user_id);
                """)
            // API clients signed in before sessions were kept keep working: each live
            // refresh-token family becomes a session. (Browser cookies carry no session
            // and sign in again once.)
            let families = try Row.fetchAll(db, sql: """
                SELECT family, user_id, MIN(created_at) AS created_at, MAX(created_at) AS last_seen_at FROM refresh_tokens
                WHERE revoked_at IS NULL AND used_at IS NULL GROUP BY family, user_id
                """)
            for family in families {
                try db.execute(
                    sql: "INSERT INTO sign_in_sessions (user_id, device, created_at, last_seen_at) VALUES (?, 'API client', ?, ?)",
                    arguments: [family["user_id"], family["created_at"], family["last_seen_at"]])
                try db.execute(sql: "UPDATE refresh_tokens SET session_id = ? WHERE family = ?", arguments: [db.lastInsertedRowID, family["family"]])
            }
        }
        // Issue 21: the admin overview costs the same at any size. Search by part of a name
        // reads a trigram index instead of every name; `user_count` keeps the number of
        // users (for the page count, and for reading a page from the end); "focus in 7 days" is a column the
        // triggers keep for the window's start in `focus_7d_window` (moved once a day by
        // `moveFocus7dWindow`), so sorting by it walks an index. The start is far in the
        // past until the first move, which sums everyone once.
        migrator.registerMigration("v17-admin-at-any-size") { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE users_search USING fts5(username, content='users', content_rowid='id', tokenize='trigram');
                INSERT INTO users_search (rowid, username) SELECT id, username FROM users;
                CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
                    INSERT INTO users_search (rowid, username) VALUES (NEW.id, NEW.username);
                END;
                CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
                    INSERT INTO users_search (users_search, rowid, username) VALUES ('delete', OLD.id, OLD.username);
                END;
                CREATE TRIGGER users_search_rename AFTER UPDATE OF username ON users BEGIN
                    INSERT INTO users_search (users_search, rowid, username) VALUES ('delete', OLD.id, OLD.username);
                    INSERT INTO users_search (rowid, username) VALUES (NEW.id, NEW.username);
                END;
                CREATE TABLE user_count (id INTEGER PRIMARY KEY CHECK (id = 1), users INTEGER NOT NULL);
                INSERT INTO user_count (id, users) SELECT 1, COUNT(*) FROM users;
                CREATE TRIGGER user_count_insert AFTER INSERT ON users BEGIN UPDATE user_count SET users = users + 1; END;
                CREATE TRIGGER user_count_delete AFTER DELETE ON users BEGIN UPDATE user_count SET users = users - 1; END;
                CREATE TABLE focus_7d_window (id INTEGER PRIMARY KEY CHECK (id = 1), since TEXT NOT NULL);
                INSERT INTO focus_7d_window (id, since) VALUES (1, '0000-01-01');
                ALTER TABLE users ADD COLUMN focus_7d_seconds DOUBLE NOT NULL DEFAULT 0;
                UPDATE users SET focus_7d_seconds = focus_seconds_total;
                CREATE INDEX users_by_focus_7d ON users(focus_7d_seconds, id);
                CREATE INDEX daily_totals_by_day ON daily_totals(day);
                CREATE TRIGGER daily_totals_focus_7d_insert AFTER INSERT ON daily_totals BEGIN
                    UPDATE users SET focus_7d_seconds = focus_7d_seconds + NEW.seconds
                    WHERE id = NEW.user_id AND NEW.day >= (SELECT since FROM focus_7d_window);
                END;
                CREATE TRIGGER daily_totals_focus_7d_update AFTER UPDATE ON daily_totals BEGIN
                    UPDATE users SET focus_7d_seconds = focus_7d_seconds
                        + (CASE WHEN NEW.day >= (SELECT since FROM focus_7d_window) THEN NEW.seconds ELSE 0 END)
                        - (CASE WHEN OLD.day >= (SELECT since FROM focus_7d_window) THEN OLD.seconds ELSE 0 END)
                    WHERE id = NEW.user_id;
                END;
                CREATE TRIGGER daily_totals_focus_7d_delete AFTER DELETE ON daily_totals BEGIN
                    UPDATE users SET focus_7d_seconds = focus_7d_seconds - OLD.seconds
                    WHERE id = OLD.user_id AND OLD.day >= (SELECT since FROM focus_7d_window);
                END;
                """)
        }
        return migrator
    }
}
