import ArgumentParser
import Foundation

/// `focusquest rotate-data-key`: seals every stored two-factor secret again, from the key
/// in `OLD_DATA_KEY` to the one in `DATA_KEY`, in one transaction (all or nothing). Run it
/// with the server stopped, then start the server with the new `DATA_KEY`.
struct RotateDataKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-data-key", abstract: "Re-seal two-factor secrets from OLD_DATA_KEY to DATA_KEY (stop the server first).")

    func run() async throws {
        let (config, logger) = try bootstrap()
        let environment = ProcessInfo.processInfo.environment
        guard environment["DATA_KEY"]?.isEmpty == false, let new = config.dataKey else { throw ValidationError("Set DATA_KEY to the new key.") }
        guard environment["OLD_DATA_KEY"]?.isEmpty == false, let old = try AppConfig.dataKey(environment["OLD_DATA_KEY"], name: "OLD_DATA_KEY", config: config)
        else { throw ValidationError("Set OLD_DATA_KEY to the key the secrets are sealed with now.") }
        let database = try await StorageOpener.open(config, logger: logger)
        let count: Int
        do {
            count = try await database.resealTwoFactorSecrets(from: old, to: new)
            try await database.shutdown()
        } catch {
            // safe: the rotation's error is the one to report
            try? await database.shutdown()
            throw error
        }
        print("re-sealed \(count) two-factor secret(s) with key \(new.id)")
    }
}
