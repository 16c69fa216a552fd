import HTTPTypes
import Hummingbird
import Prometheus
import Synchronization

/// Counts and times every request into the series the README documents:
/// `focusquest_http_requests_total{method,route,status}`,
/// `focusquest_http_request_duration_seconds{route}`,
/// `focusquest_http_request_errors_total{method,route,status}` (5xx answers) and
/// `focusquest_http_active_requests{method}`. Routes are patterns (`/api/v1/tasks/{id}`,
/// or `NotFound`), so the number of series stays bounded whatever clients send.
///
/// Our own rather than Hummingbird's `MetricsMiddleware`: that one records after the body
/// is written, wrapping every response body in a closure, which costs each request an
/// extra hop between tasks (a fifth of a small request's CPU, measured on `/health`).
/// Here a request is timed and counted as active until its answer is ready to be written:
/// for the pages and the API that is the whole answer; a streamed one (an export) counts
/// until its head. (An admitted event stream never reaches the router: it is served on
/// its connection, ``EventStreamHandler``, and counted by `focusquest_event_streams`.)
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let series = RequestSeries()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let active = series.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            series.record(route: context.endpointPath ?? "NotFound", method: request.method, status: response.status, elapsed: .now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            series.record(route: context.endpointPath ?? "NotFound", method: request.method, status: status, elapsed: .now - start)
            throw error
        }
    }
}

/// The metric objects of each route, method and status, made on first use and kept.
final class RequestSeries: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private struct Recorders: Sendable {
        let requests: Counter
        let duration: DurationHistogram
        let errors: Counter?
    }

    private let recorders = Mutex<[Key: Recorders]>([:])
    private let activeByMethod = Mutex<[HTTPRequest.Method: Gauge]>([:])
    private let registry = PrometheusMetrics.registry

    func active(_ method: HTTPRequest.Method) -> Gauge {
        activeByMethod.withLock { gauges in
            if let gauge = gauges[method] { return gauge }
            let gauge = registry.makeGauge(descriptor: Self.active, labels: [("method", method.rawValue)])
            gauges[method] = gauge
            return gauge
        }
    }

    func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, elapsed: Duration) {
        let key = Key(route: route, method: method, status: status.code)
        let found = recorders.withLock { recorders in
            if let found = recorders[key] { return found }
            let made = make(key)
            recorders[key] = made
            return made
        }
        found.requests.increment()
        found.errors?.increment()
        found.duration.record(elapsed)
    }

    private func make(_ key: Key) -> Recorders {
        let labels = [("method", key.method.rawValue), ("route", key.route), ("status", String(key.status))]
        return Recorders(
            requests: registry.makeCounter(descriptor: Self.requests, labels: labels),
            duration: registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", key.route)], buckets: PrometheusMetrics.latencyBuckets),
            errors: key.status >= 500 ? registry.makeCounter(descriptor: Self.errors, labels: labels) : nil)
    }

    // Computed: the descriptor type is not Sendable, and it is read only when a series is made.
    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "focusquest", metricName: "http_requests", unitName: "total", helpText: "Requests by method, route pattern and status.")
    }
    private static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "focusquest", metricName: "http_request_duration", unitName: "seconds", helpText: "Time until the answer is ready, by route pattern.")
    }
    private static var errors: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "focusquest", metricName: "http_request_errors", unitName: "total", helpText: "Answers with a 5xx status.")
    }
    private static var active: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "focusquest", metricName: "http_active", unitName: "requests", helpText: "Requests being answered now, by method.")
    }
}
