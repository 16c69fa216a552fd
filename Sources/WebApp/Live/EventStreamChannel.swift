import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1.1 connection with ``EventStreamHandler`` in its pipeline. A
/// connection's task waits for its first request before it starts the router's loop, and
/// ends at once when that request became an event stream (or none came): a stream opened
/// on a new connection holds no task at all.
struct EventStreamChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
        let use: EventLoopFuture<EventStreamHandler.Use>
        var channel: any Channel { http.channel }
    }

    let http1: HTTP1Channel
    let gate: EventStreamGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { http in
            let pipeline = channel.pipeline.syncOperations
            let routerSide = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            let use = channel.eventLoop.makePromise(of: EventStreamHandler.Use.self)
            try pipeline.addHandler(EventStreamHandler(gate: gate, logger: logger, use: use), position: .before(routerSide))
            return Value(http: http, use: use.futureResult)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard case .router = try? await value.use.get() else {
            // The router's writer must be finished before it goes; leaving the scope with an
            // error does that without waiting for the channel to close (the stream's handler
            // answers the close that follows: the channel is the stream's).
            _ = try? await value.http.executeThenClose { _, _ in throw NotForTheRouter() }
            return
        }
        await http1.handle(value: value.http, logger: logger)
    }

    private struct NotForTheRouter: Error {}
}
