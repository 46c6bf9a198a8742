import NIOCore
import NIOTLS

/// The pipeline end of one vuser connection: hands bytes, errors and the close to its vuser. The
/// generation lets the vuser ignore events from a connection it already discarded.
final class ConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer

  private let vuser: VirtualUser
  private let generation: Int

  init(vuser: VirtualUser, generation: Int) {
    self.vuser = vuser
    self.generation = generation
  }

  func handlerAdded(context: ChannelHandlerContext) {
    vuser.attach(context, generation: generation)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    vuser.received(unwrapInboundIn(data), generation: generation)
  }

  func channelInactive(context: ChannelHandlerContext) {
    vuser.connectionClosed(generation: generation)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    // The end of a TLS connection's setup: the request NIOSSL held back goes out now.
    if case TLSUserEvent.handshakeCompleted = event { vuser.handshakeCompleted(generation: generation) }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    vuser.connectionFailed(error, generation: generation)
    context.close(promise: nil)
  }
}
