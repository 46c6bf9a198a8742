import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A listener on 127.0.0.1 that resets every connection it accepts (SO_LINGER {1,0}, then close:
/// an RST, no FIN), either at once or when the client's first bytes arrive (a TLS ClientHello, or
/// a plain request).
final class ResettingServer: Sendable {
  enum Moment: Sendable {
    /// As soon as the connection is accepted, before anything is read.
    case onAccept
    /// Once the client's first bytes have arrived.
    case onFirstBytes
  }

  let port: Int
  private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  private let channel: any Channel
  private let resetCounter = Counter()

  final class Counter: Sendable {
    let value = Atomic<Int>(0)
  }

  init(resetting moment: Moment) async throws {
    let counter = resetCounter
    channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(Resetter(moment: moment, counter: counter))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress!.port!
  }

  /// Connections reset so far.
  var resets: Int { resetCounter.value.load(ordering: .relaxed) }

  func shutdown() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  private final class Resetter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let moment: Moment
    let counter: Counter
    private var done = false

    init(moment: Moment, counter: Counter) {
      self.moment = moment
      self.counter = counter
    }

    func channelActive(context: ChannelHandlerContext) {
      if moment == .onAccept { reset(context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      if moment == .onFirstBytes { reset(context) }
    }

    private func reset(_ context: ChannelHandlerContext) {
      guard !done, let options = context.channel as? any SocketOptionProvider else { return }
      done = true
      let channel = context.channel
      options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { [counter] result in
        if case .success = result { counter.value.wrappingAdd(1, ordering: .relaxed) }
        channel.close(promise: nil)
      }
    }
  }
}
