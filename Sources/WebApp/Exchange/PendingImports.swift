import Foundation

/// Files checked on the settings page and waiting for "Import now": kept in memory for
/// ``lifetime``, one per user (a new check replaces it), at most ``capacityBytes`` in all
/// (the oldest go first). A server restart forgets them; the page then asks for the file
/// again.
actor PendingImports {
    struct Pending: Sendable {
        let token: String
        let userID: Int64
        let data: Data
        let filename: String
        let options: ImportService.Options
        let expires: Date
    }

    static let lifetime: TimeInterval = 15 * 60
    static let capacityBytes = 64 << 20

    private var byUser: [Int64: Pending] = [:]

    /// Keeps the file; returns its token.
    func keep(_ data: Data, filename: String, options: ImportService.Options, userID: Int64, now: Date) -> String {
        byUser = byUser.filter { $0.value.expires > now && $0.key != userID }
        while byUser.values.reduce(data.count, { $0 + $1.data.count }) > Self.capacityBytes,
            let oldest = byUser.min(by: { $0.value.expires < $1.value.expires })
        {
            byUser[oldest.key] = nil
        }
        let token = SecureRandom.token(bytes: 16)
        byUser[userID] = Pending(token: token, userID: userID, data: data, filename: filename, options: options, expires: now.addingTimeInterval(Self.lifetime))
        return token
    }

    /// The user's file with `token`, removed; nil when it expired or was replaced.
    func take(token: String, userID: Int64, now: Date) -> Pending? {
        guard let pending = byUser[userID], pending.token == token else { return nil }
        byUser[userID] = nil
        return pending.expires > now ? pending : nil
    }
}
