import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Serves the event streams (SPEC §12) on the connection's channel, so an open stream
/// costs its connection and not a task: the hub's signals are written from the event
/// loop, and nothing waits while the stream is quiet.
///
/// It sits between the HTTP codec and the router's side of the pipeline. Every request
/// passes through, except a `GET /events` or `GET /api/v1/events`: that one is held while
/// ``EventStreamGate`` checks its token and reads `sync`, then either becomes a stream
/// here (the channel is this handler's from then on) or, not admitted, goes on to the
/// router, which answers it (401, 403) like any other request.
///
/// When the stream is the connection's first request (as for a client that opens it on
/// a new connection), the connection's task ends at once (``EventStreamChannel``); when an
/// earlier request was served on it, the router's task stays parked until the connection
/// closes. A stream ends when the hub ends it, its token stops being valid, the client
/// leaves or stops reading (its unread output would grow without end), or the server
/// shuts down.
final class EventStreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the connection's first request made it.
    enum Use: Sendable {
        /// The router serves it.
        case router
        /// Nothing for the router: a stream served here, or closed before any request.
        case none
    }

    private enum State {
        case router
        /// A stream request waits for the gate; `ended` once its end arrived.
        case admitting(HTTPRequest, ended: Bool)
        /// Admitted; waits for the router to finish an answer it was writing.
        case admitted(EventStreamGate.Opening)
        case streaming(Stream)
        case ended
    }

    /// What an open stream keeps: its place in the hub and its token.
    private struct Stream {
        let connection: LiveConnection
        let credential: EventStreamGate.Credential
    }

    private let gate: EventStreamGate
    private let logger: Logger
    private let use: EventLoopPromise<Use>
    private var decided = false
    private var state = State.router
    /// Router answers begun and not yet ended.
    private var answering = 0
    /// Signals that came while the stream was being opened.
    private var early: [LiveSignal] = []
    private var context: ChannelHandlerContext?

    init(gate: EventStreamGate, logger: Logger, use: EventLoopPromise<Use>) {
        self.gate = gate
        self.logger = logger
        self.use = use
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        decide(.none)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .router:
            let part = unwrapInboundIn(data)
            if case .head(let head) = part {
                if let door = EventStreamGate.Door(head) { return admit(head, door: door, context: context) }
                decide(.router)
                answering += 1
            }
            context.fireChannelRead(data)
        case .admitting(let head, _):
            if case .end = unwrapInboundIn(data) { state = .admitting(head, ended: true) }
        case .admitted, .streaming, .ended:
            break  // a stream reads nothing more (raw bytes, once the codec is gone): dropped
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch state {
        case .streaming: context.read()  // keep reading, to hear the client leave
        case .admitted, .ended: break
        case .router, .admitting: context.fireChannelReadComplete()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave()
        decide(.none)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, case .streaming = state {
            return end(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        answering = max(0, answering - 1)  // a parse error's 400 ends an answer that began no request
        if answering == 0, case .admitted(let opening) = state { start(opening, context: context) }
    }

    func read(context: ChannelHandlerContext) {
        switch state {
        case .streaming, .ended: break  // the stream reads for itself
        case .router, .admitting, .admitted: context.read()
        }
    }

    /// Closing from the router's side does not end a stream: the router's part of the
    /// connection finishes (its writer, its idle timer) while the stream goes on.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch state {
        case .streaming, .ended: promise?.succeed()
        case .router, .admitting, .admitted: context.close(mode: mode, promise: promise)
        }
    }

    private func decide(_ use: Use) {
        guard !decided else { return }
        decided = true
        self.use.succeed(use)
    }

    private func admit(_ head: HTTPRequest, door: EventStreamGate.Door, context: ChannelHandlerContext) {
        state = .admitting(head, ended: false)
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let sink: LiveSink = { signal in loop.execute { handler.value.hear(signal) } }
        gate.open(door, headers: head.headerFields, sink: sink) { opening in
            loop.execute { handler.value.admitted(opening) }
        }
    }

    private func admitted(_ opening: EventStreamGate.Opening?) {
        guard case .admitting(let head, let ended) = state, let context else {
            opening?.connection.close()  // the connection went away meanwhile
            return
        }
        guard let opening else {
            state = .router
            decide(.router)
            answering += 1
            context.fireChannelRead(wrapInboundOut(.head(head)))
            if ended { context.fireChannelRead(wrapInboundOut(.end(nil))) }
            context.fireChannelReadComplete()
            return
        }
        if answering > 0 {
            state = .admitted(opening)
        } else {
            start(opening, context: context)
        }
    }

    private func start(_ opening: EventStreamGate.Opening, context: ChannelHandlerContext) {
        state = .streaming(Stream(connection: opening.connection, credential: opening.credential))
        decide(.none)
        leaveHTTP(context)
        var head = "HTTP/1.1 200 OK\r\n"
        for field in Self.fields { head += "\(field.name): \(field.value)\r\n" }
        context.write(NIOAny(ByteBuffer(string: head + "Transfer-Encoding: chunked\r\n\r\n")), promise: nil)
        context.write(NIOAny(Self.chunk("retry: 2000\n\n" + opening.sync.wire)), promise: nil)
        logger.info("event stream", metadata: ["user_id": .stringConvertible(opening.userID)])
        let waiting = early
        early = []
        for signal in waiting { hear(signal) }
        context.flush()
        context.read()
    }

    /// The stream's head: an event stream nobody caches or buffers, with the security
    /// headers every answer carries.
    private static let fields: HTTPFields = {
        var fields: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store", .xAccelBuffering: "no"]
        fields.append(contentsOf: SecurityHeaders.fields)
        return fields
    }()

    /// One chunk of the chunked body.
    private static func chunk(_ text: String) -> ByteBuffer {
        ByteBuffer(string: String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n")
    }

    /// The stream speaks plain bytes from here on: the HTTP handlers, the router's idle
    /// timer (heartbeats keep the stream alive) and the oversized-head check leave the
    /// pipeline, with their buffers (an open stream keeps only what it needs).
    private func leaveHTTP(_ context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        let router: [(any RemovableChannelHandler)?] = [
            try? pipeline.handler(type: HTTPConnectionStateHandler.self), try? pipeline.handler(type: OversizedHeadResponder.self),
            try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self), try? pipeline.handler(type: HTTPResponseEncoder.self),
            try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self),
        ]
        for case let handler? in router { pipeline.removeHandler(handler, promise: nil) }
    }

    /// A signal from the hub, on the event loop.
    private func hear(_ signal: LiveSignal) {
        let stream: Stream
        switch state {
        case .streaming(let open): stream = open
        case .admitting, .admitted: return early.append(signal)
        case .router, .ended: return
        }
        guard let context else { return }
        switch signal {
        case .events(let events): send(events.map(\.wire).joined(), context: context)
        case .heartbeat: send(": keep-alive\n\n", context: context)
        case .end: end(context)
        case .recheck:
            let loop = context.eventLoop
            let handler = NIOLoopBound(self, eventLoop: loop)
            let gate = self.gate
            Task {
                guard await !gate.stillValid(stream.credential) else { return }
                loop.execute { handler.value.hear(.end) }
            }
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        guard context.channel.isWritable else { return end(context) }
        context.writeAndFlush(NIOAny(Self.chunk(text)), promise: nil)
    }

    private func end(_ context: ChannelHandlerContext) {
        guard case .streaming = state else { return }
        leave()
        context.writeAndFlush(NIOAny(ByteBuffer(string: "0\r\n\r\n")), promise: nil)
        context.close(promise: nil)
    }

    /// Leaves the hub, once; a connection that was the router's stays the router's.
    private func leave() {
        switch state {
        case .admitted(let opening): opening.connection.close()
        case .streaming(let stream): stream.connection.close()
        case .admitting: break
        case .router, .ended: return
        }
        state = .ended
    }
}
