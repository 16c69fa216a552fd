import HTTPTypes
import Foundation
import Hummingbird
import Logging
import Synchronization

/// Gives every request an id (from `X-Request-ID` when it is sane, else generated),
/// echoes it back, writes one JSON log line per request with the route pattern,
/// status, latency and user id. (Counting is ``RequestMetricsMiddleware``, outside it.)
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let logger: Logger
    let errors: ErrorRenderer

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request)
        context.isHXRequest = request.headers[.hxRequest] == "true"
        context.path = request.uri.path
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = await errors.response(for: error, request: request, context: context)
        }
        response.headers[.xRequestID] = context.requestID
        let elapsed = ContinuousClock.now - start
        if logger.logLevel <= .info {
            logger.info("request", metadata: metadata(request, response, context, elapsed: elapsed))
        }
        return response
    }

    private func metadata(_ request: Request, _ response: Response, _ context: AppRequestContext, elapsed: Duration) -> Logger.Metadata {
        let hundredths = Int((Double(elapsed.components.seconds) * 100_000 + Double(elapsed.components.attoseconds) / 1e13).rounded())
        var metadata: Logger.Metadata = [
            "request_id": .string(context.requestID),
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(response.status.code),
            "latency_ms": .string("\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"),
        ]
        if let userID = context.user?.id { metadata["user_id"] = .stringConvertible(userID) }
        return metadata
    }

    private static func requestID(from request: Request) -> String {
        if let given = request.headers[.xRequestID], (1...128).contains(given.count),
            given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        {
            return given
        }
        return generatedIDs.next()
    }

    private static let generatedIDs = RequestIDs()
}

/// Request ids for requests that bring none: a random prefix per process and a counter,
/// unique without a system call per request (they identify, they do not protect).
final class RequestIDs: Sendable {
    private let prefix = SecureRandom.token(bytes: 6)
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(number, radix: 36)
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-ID")!
    static let hxRequest = Self("HX-Request")!
    static let hxRedirect = Self("HX-Redirect")!
    static let hxTrigger = Self("HX-Trigger")!
    static let hxRetarget = Self("HX-Retarget")!
    static let hxReswap = Self("HX-Reswap")!
    static let xCSRFToken = Self("X-CSRF-Token")!
    /// The page window a request comes from (the live events name it back).
    static let fqWindow = Self("FQ-Window")!
    /// Tells nginx not to buffer a response (the event streams).
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
