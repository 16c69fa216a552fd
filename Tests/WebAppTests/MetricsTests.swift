import Foundation
import HummingbirdTesting
import Testing

@testable import WebApp

/// `/metrics` (SPEC §7): requests by method, route and status, a latency histogram and
/// app values in Prometheus' text format; optionally behind `METRICS_TOKEN`.
@Suite(.closingTestApps) struct MetricsTests {
    /// The value of the first line starting with `series` (name and labels).
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The registry is the process's (swift-metrics is bootstrapped once), and other
    /// suites' servers run at the same time: counts are compared before and after.
    @Test func requestsAreCountedByRoutePatternWithTheirLatency() async throws {
        let app = try await TestApp.make()
        try await app.test { client in
            let ada = try await client.apiSignup("ada")
            let before = try await client.api(.get, "/metrics").text
            for _ in 0..<3 { _ = try await client.api(.get, "/health") }
            _ = try await client.api(.get, "/api/v1/tasks/41", token: ada.access)
            _ = try await client.api(.get, "/api/v1/tasks/42", token: ada.access)
            _ = try await client.api(.get, "/no/such/page/\(UUID().uuidString)")
            _ = try await client.api(.post, "/api/v1/auth/login", json: #"{"username":"ada","password":"wrong password!"}"#)

            let response = try await client.api(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            func delta(_ series: String) -> Double { (value(text, series) ?? 0) - (value(before, series) ?? 0) }
            #expect(delta(#"focusquest_http_requests_total{method="GET",route="/api/v1/tasks/{id}",status="404"}"#) >= 2, "patterns, not paths")
            #expect(delta(#"focusquest_http_requests_total{method="GET",route="/health",status="200"}"#) >= 3)
            #expect(delta(#"focusquest_http_requests_total{method="POST",route="/api/v1/auth/login",status="401"}"#) >= 1)
            #expect((value(text, #"focusquest_http_requests_total{method="POST",route="/api/v1/auth/signup",status="201"}"#) ?? 0) >= 1)
            #expect(!text.contains("/no/such/page"), "unknown paths do not make new series")

            let buckets = text.split(separator: "\n").filter { $0.hasPrefix(#"focusquest_http_request_duration_seconds_bucket{route="/health",le=""#) }
                .compactMap { Double($0.split(separator: " ").last ?? "") }
            #expect(buckets.count == PrometheusMetrics.latencyBuckets.count + 1, "\(buckets)")
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0 <= $1 }, "cumulative")
            #expect(buckets.last == value(text, #"focusquest_http_request_duration_seconds_count{route="/health"}"#))
            #expect((value(text, #"focusquest_http_request_duration_seconds_sum{route="/health"}"#) ?? -1) >= 0)

            #expect(value(text, "focusquest_users") == 1)
            #expect(value(text, "focusquest_event_streams") == 0, "no live streams are open")
            #expect(value(text, "focusquest_tasks") == 0)
            #expect((value(text, "process_resident_memory_bytes") ?? 0) > 0)
            #expect(text.contains("# TYPE focusquest_http_request_duration_seconds histogram"))
        }
    }

    @Test func libraryNamesBecomePrometheusNames() {
        let other = PrometheusMetrics.rename("client.requests-total", [("http.method", "GET")])
        #expect(other.0 == "client_requests_total" && other.1.first?.0 == "http_method")
        #expect(PrometheusMetrics.prometheusName("9lives.é") == "_lives__")
    }

    @Test func aTokenProtectsTheMetricsWhenSet() async throws {
        let app = try await TestApp.make { $0.metricsToken = "scrape-secret-0123456789" }
        try await app.test { client in
            #expect(try await client.api(.get, "/metrics").status == .unauthorized)
            #expect(try await client.api(.get, "/metrics", token: "wrong").status == .unauthorized)
            let allowed = try await client.api(.get, "/metrics", token: "scrape-secret-0123456789")
            #expect(allowed.status == .ok && allowed.text.contains("focusquest_http_requests_total"))
        }
        #expect(try AppConfig.fromEnvironment(["APP_ENV": "test", "METRICS_TOKEN": "t0ken"]).redactedSummary["metrics_token"]?.contains("t0ken") == false)
    }
}
