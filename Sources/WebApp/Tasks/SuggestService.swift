import Domain
import Foundation
import Logging

/// Task suggestions (SPEC §4): the configured remote suggester first, with its short
/// timeout; on any failure, when none is configured, or past the user's hourly share of
/// remote calls (a remote model costs money), the built-in one over the user's own
/// completed tasks (their latest 500 with at least one pomodoro).
struct SuggestService: Sendable {
    enum Source: String, Sendable { case local, remote }

    let database: any TaskStorage
    let remote: RemoteSuggester?
    let remoteCalls: RateLimiter
    let clock: any WallClock
    let logger: Logger

    static let historyLimit = 500

    func suggest(title: String?, description: String?, for user: UserRecord) async throws -> (suggestion: TaskSuggestion, source: Source) {
        let content: TaskContent
        do {
            content = try TaskContent(title: title ?? "", description: description ?? "", estimatePomodoros: nil)
        } catch {
            throw AppError.validation(error)
        }
        let notes = content.description.trimmingWhitespace.isEmpty ? nil : content.description
        if let remote, remoteCalls.record("user:\(user.userID)", now: clock.now) == nil {
            do {
                return (try await remote.suggest(title: content.title, description: notes), .remote)
            } catch {
                logger.warning("remote suggester failed; the built-in one answers", metadata: ["error": .string(String(describing: error))])
            }
        }
        let completed = try await database.completedTasks(userID: user.userID, limit: Self.historyLimit)
        return (TaskSuggester.suggest(title: content.title, description: notes, completed: completed), .local)
    }
}
