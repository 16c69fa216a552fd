import Foundation
import Synchronization

/// Request counts by method, route pattern and status, and request latency by route, for
/// `/metrics` in Prometheus' text format. Routes are patterns (`/tasks/{id}`), never raw
/// paths, so the number of series stays bounded whatever clients send.
final class Metrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct RequestKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Latency {
        /// Per bucket (not cumulative); the last one is +Inf.
        var counts = [Int](repeating: 0, count: Metrics.latencyBuckets.count + 1)
        var sum = 0.0
        var count = 0

        mutating func record(bucket: Int, seconds: Double) {
            counts[bucket] += 1
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var latency: [String: Latency] = [:]
    }

    private let state = Mutex(State())
    let started = Date()

    func observe(method: String, route: String, status: Int, seconds: Double) {
        let bucket = Self.latencyBuckets.firstIndex { seconds <= $0 } ?? Self.latencyBuckets.count
        state.withLock { state in
            state.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            state.latency[route, default: Latency()].record(bucket: bucket, seconds: seconds)
        }
    }

    /// A value the app reports at scrape time.
    struct Gauge {
        let name: String
        let help: String
        let value: Double
    }

    /// The exposition: request counters, the latency histogram, then `gauges`.
    func exposition(gauges: [Gauge]) -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP focusquest_http_requests_total HTTP requests by method, route pattern and status.\n"
        out += "# TYPE focusquest_http_requests_total counter\n"
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "focusquest_http_requests_total{method=\"\(Self.label(key.method))\",route=\"\(Self.label(key.route))\",status=\"\(key.status)\"} \(count)\n"
        }
        out += "# HELP focusquest_http_request_duration_seconds Time from request to response, by route pattern.\n"
        out += "# TYPE focusquest_http_request_duration_seconds histogram\n"
        for (route, latency) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let route = Self.label(route)
            var cumulative = 0
            for (index, bound) in Self.latencyBuckets.enumerated() {
                cumulative += latency.counts[index]
                out += "focusquest_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "focusquest_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(latency.count)\n"
            out += "focusquest_http_request_duration_seconds_sum{route=\"\(route)\"} \(latency.sum)\n"
            out += "focusquest_http_request_duration_seconds_count{route=\"\(route)\"} \(latency.count)\n"
        }
        for gauge in gauges {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n\(gauge.name) \(Self.number(gauge.value))\n"
        }
        return out
    }

    /// A label value with `\`, `"` and line breaks escaped as the format requires.
    static func label(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
