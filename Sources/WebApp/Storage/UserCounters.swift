import Foundation

/// The users' kept counters (tasks by status, all-time and 7-day focus, the user count)
/// against a recount: the check a test makes after random writes and `copy-database` makes
/// after a copy.
enum UserCounters {
    /// Users whose stored counters differ from a recount of their tasks and daily totals
    /// (and "user_count" when the kept number of users differs from a count). The same
    /// statement runs on PostgreSQL (`PostgresSchemaTests`).
    static let driftSQL = """
        SELECT username FROM users u WHERE
            todo_count != (SELECT COUNT(*) FROM tasks WHERE user_id = u.id AND status = 'todo')
            OR in_progress_count != (SELECT COUNT(*) FROM tasks WHERE user_id = u.id AND status = 'in_progress')
            OR done_count != (SELECT COUNT(*) FROM tasks WHERE user_id = u.id AND status = 'done')
            OR abs(focus_seconds_total - COALESCE((SELECT SUM(seconds) FROM daily_totals WHERE user_id = u.id), 0)) > 0.001
            OR abs(focus_7d_seconds - COALESCE((SELECT SUM(seconds) FROM daily_totals
                WHERE user_id = u.id AND day >= (SELECT since FROM focus_7d_window)), 0)) > 0.001
        UNION ALL SELECT 'user_count' FROM user_count WHERE users != (SELECT COUNT(*) FROM users)
        """
}
