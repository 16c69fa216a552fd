import Foundation
import Hummingbird

/// `/health`: the process answers. `/ready`: the database answers too (503 otherwise).
/// `/metrics`: Prometheus text — requests, latency, site totals, memory — open, or only
/// for `Authorization: Bearer $METRICS_TOKEN` when that is set.
struct HealthController: Sendable {
    let database: AppDatabase
    let metrics: Metrics
    let metricsToken: String?

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
            let text = metrics.exposition(gauges: try gauges())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Site totals (one statement over `users`), memory and uptime, read at scrape time.
    private func gauges() throws -> [Metrics.Gauge] {
        let totals = try database.siteTotals(activeSince: Date().addingTimeInterval(-7 * 86_400))
        return [
            .init(name: "focusquest_users", help: "Accounts.", value: Double(totals.users)),
            .init(name: "focusquest_users_active_7d", help: "Accounts active in the last 7 days.", value: Double(totals.active7d)),
            .init(name: "focusquest_tasks", help: "Tasks of all users.", value: Double(totals.tasks)),
            .init(name: "focusquest_focus_seconds", help: "Focus recorded by all users, all time.", value: totals.focusSeconds),
            .init(name: "process_resident_memory_bytes", help: "Resident memory of the server.", value: Double(Self.residentBytes())),
            .init(name: "focusquest_uptime_seconds", help: "Seconds since the server started.", value: Date().timeIntervalSince(metrics.started).rounded()),
        ]
    }

    /// From `/proc/self/statm` (pages); 0 where there is no such file.
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
