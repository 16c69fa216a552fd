import Foundation
import Metrics
import Prometheus

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry, so
/// Hummingbird's `MetricsMiddleware` and every library underneath that reports through
/// swift-metrics show up in `/metrics`. The names Hummingbird uses are renamed to the
/// series the README documents (`focusquest_http_requests_total{method,route,status}`,
/// `focusquest_http_request_duration_seconds{route}`); other names get Prometheus'
/// characters. Routes are patterns (`/api/v1/tasks/{id}`, or `NotFound`), so the number
/// of series stays bounded whatever clients send.
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

    static func rename(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        let value = { (key: String) in dimensions.first { $0.0 == key }?.1 ?? "" }
        switch label {
        case "hb.requests":
            return ("focusquest_http_requests_total", [
                ("method", value("http.request.method")), ("route", value("http.route")), ("status", value("http.response.status_code")),
            ])
        case "http.server.request.duration":
            // One histogram per route: the method and status are the counter's business.
            return ("focusquest_http_request_duration_seconds", [("route", value("http.route"))])
        case "hb.request.errors":
            return ("focusquest_http_request_errors_total", [("method", value("http.request.method")), ("route", value("http.route")), ("status", value("error.type"))])
        case "http.server.active_requests":
            return ("focusquest_http_active_requests", [("method", value("http.request.method"))])
        default:
            return (prometheusName(label), dimensions.map { (prometheusName($0.0), $0.1) })
        }
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
