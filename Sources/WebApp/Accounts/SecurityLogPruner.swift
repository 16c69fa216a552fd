import Domain
import Foundation
import Logging
import ServiceLifecycle

/// Deletes security-log entries older than 180 days: a minute after start (not in the
/// middle of start-up's own work), then once an hour.
struct SecurityLogPruner: Service {
    let database: any SecurityLogStorage
    let clock: any WallClock
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(60))
            while !Task.isCancelled {
                do {
                    try await database.pruneSecurityLog(before: clock.now.addingTimeInterval(-Double(SecurityLog.keptDays) * 86_400))
                } catch {
                    logger.error("pruning the security log failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
