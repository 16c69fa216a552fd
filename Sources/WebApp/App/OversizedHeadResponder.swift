import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request whose header fields are over the decoder's limit with 431 (RFC 6585)
/// and closes the connection; without it the server sends an empty 400.
final class OversizedHeadResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    static let message = "Request header fields are too large.\n"

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard case HTTPParserError.headerOverflow? = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let head = HTTPResponse(
            status: .requestHeaderFieldsTooLarge,
            headerFields: [.connection: "close", .contentType: "text/plain; charset=utf-8", .contentLength: String(Self.message.utf8.count)])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: Self.message))), promise: nil)
        let closing = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in closing.value.close(promise: nil) }
    }
}
