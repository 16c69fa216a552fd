import Domain
import Foundation
import Hummingbird

/// `/health`: the process answers. `/ready`: the database answers too (503 otherwise).
/// `/metrics`: Prometheus text — requests, latency, site totals, memory — open, or only
/// for `Authorization: Bearer $METRICS_TOKEN` when that is set.
struct HealthController: Sendable {
    let database: any HealthStorage
    let metricsToken: String?
    let started: Date
    /// The server's clock (the test clock with `APP_ENV=test`): "active in the last 7 days".
    let clock: any WallClock
    /// Counts the open event streams for the gauge.
    let liveEvents: any EventHub
    private let gauges = SiteGauges()

    init(database: any HealthStorage, metricsToken: String?, started: Date, clock: any WallClock, liveEvents: any EventHub) {
        self.clock = clock
        self.liveEvents = liveEvents
        self.database = database
        self.metricsToken = metricsToken
        self.started = started
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("ready") { _, _ in
            let ready = await database.isReady()
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: ready ? #"{"status":"ready"}"# : #"{"status":"unavailable"}"#)))
        }
        router.get("metrics") { request, _ in
            if let metricsToken {
                let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
                guard SecureRandom.constantTimeEqual(presented, metricsToken) else {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .cacheControl: "no-store"])
                }
            }
            try await readGauges()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: PrometheusMetrics.registry.emitToBuffer())))
        }
    }

    /// Site totals (one statement over `users`), memory and uptime, read at scrape time.
    private func readGauges() async throws {
        let totals = try await database.siteTotals(activeSince: clock.now.addingTimeInterval(-7 * 86_400))
        gauges.users.set(Int64(totals.users))
        gauges.activeUsers.set(Int64(totals.active7d))
        gauges.tasks.set(Int64(totals.tasks))
        gauges.focusSeconds.set(totals.focusSeconds)
        gauges.memory.set(Int64(Self.residentBytes()))
        gauges.uptime.set(Date().timeIntervalSince(started).rounded())
        gauges.eventStreams.set(Int64(liveEvents.openStreams))
    }

    /// From `/proc/self/statm` (pages); 0 where there is no such file.
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
