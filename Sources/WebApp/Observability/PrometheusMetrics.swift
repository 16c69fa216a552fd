import Foundation
import Metrics
import Prometheus

/// The process's metrics: one Prometheus registry, which ``RequestMetricsMiddleware`` and
/// the site gauges write to directly, and which swift-metrics is bootstrapped with, so
/// every library underneath that reports through swift-metrics shows up in `/metrics` too
/// (its names in Prometheus' characters).
enum PrometheusMetrics {
    static let registry = PrometheusCollectorRegistry()

    /// Upper bounds of the latency histogram's buckets.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
    ]

    /// Bootstraps swift-metrics; the first call does it, later calls (more apps in one
    /// test process) find it done.
    static func bootstrap() { _ = bootstrapped }

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.nameAndLabelSanitizer = rename
        MetricsSystem.bootstrap(factory)
    }()

    /// What libraries report through swift-metrics, in Prometheus' characters.
    static func rename(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        (prometheusName(label), dimensions.map { (prometheusName($0.0), $0.1) })
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`: anything else becomes `_`.
    static func prometheusName(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || scalar == "_" || scalar == ":" || (!result.isEmpty && ("0"..."9").contains(scalar)))
            result.unicodeScalars.append(allowed ? scalar : "_")
        }
        return result
    }
}

/// Values of the whole site read at scrape time (site totals, memory, uptime).
struct SiteGauges: Sendable {
    let users = Self.gauge("users", "", "Accounts.")
    let activeUsers = Self.gauge("users_active", "7d", "Accounts active in the last 7 days.")
    let tasks = Self.gauge("tasks", "", "Tasks of all users.")
    let focusSeconds = Self.gauge("focus", "seconds", "Focus recorded by all users, all time.")
    let uptime = Self.gauge("uptime", "seconds", "Seconds since the server started.")
    let eventStreams = Self.gauge("event_streams", "", "Open live event streams (SPEC §12).")
    let memory = PrometheusMetrics.registry.makeGauge(
        descriptor: MetricNameDescriptor(namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory of the server."))

    private static func gauge(_ name: String, _ unit: String, _ help: String) -> Prometheus.Gauge {
        PrometheusMetrics.registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "focusquest", metricName: name, unitName: unit, helpText: help))
    }
}
