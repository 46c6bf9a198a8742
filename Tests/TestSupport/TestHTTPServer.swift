import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 keep-alive server on 127.0.0.1 with an OS-chosen port, for engine tests. It
/// counts every request it answers (the ground truth "nothing lost" is checked against) and can
/// delay its answers.
public final class TestHTTPServer: Sendable {
  public let port: Int
  private let group: MultiThreadedEventLoopGroup
  private let channel: any Channel
  private let counters: Counters

  final class Counters: Sendable {
    let requests = Atomic<Int>(0)
    let delayMicros = Atomic<Int>(0)
    let connections = Atomic<Int>(0)
    /// Stall windows: a request read within the first `stallForMicros` of every `stallEveryMicros`
    /// (counted from `origin`) is held until its window ends.
    let stallEveryMicros = Atomic<Int>(0)
    let stallForMicros = Atomic<Int>(0)
    let origin = Mutex(NIODeadline.now())
    /// How long a request read now waits for the stall window it fell in to end; 0 outside one.
    func stallMicros() -> Int {
      let period = stallEveryMicros.load(ordering: .relaxed)
      guard period > 0 else { return 0 }
      let since = (NIODeadline.now() - origin.withLock { $0 }).nanoseconds / 1000
      let phase = Int(since) % period
      let length = stallForMicros.load(ordering: .relaxed)
      return phase < length ? length - phase : 0
    }
    /// Requests by "METHOD /path" with their body sizes summed, for tests of request mixes.
    let byRoute = Mutex<[String: (count: Int, bodyBytes: Int)]>([:])
  }

  /// `delay` postpones every response (scheduled on the event loop, no thread blocked).
  public init(delay: Double = 0, threads: Int = 1, port: Int = 0) async throws {
    let counters = Counters()
    counters.delayMicros.store(Int(delay * 1e6), ordering: .relaxed)
    self.counters = counters
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        counters.connections.wrappingAdd(1, ordering: .relaxed)
        return channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Responder(counters: counters))
        }
      }
      .bind(host: "127.0.0.1", port: port).get()
    self.port = channel.localAddress!.port!
  }

  public var url: String { "http://127.0.0.1:\(port)/" }
  public var requestCount: Int { counters.requests.load(ordering: .relaxed) }
  public var connectionCount: Int { counters.connections.load(ordering: .relaxed) }

  /// Requests answered for `route` ("GET /a") and the body bytes they carried.
  public func requests(_ route: String) -> (count: Int, bodyBytes: Int) {
    counters.byRoute.withLock { $0[route] ?? (0, 0) }
  }

  public func setDelay(_ seconds: Double) {
    counters.delayMicros.store(Int(seconds * 1e6), ordering: .relaxed)
  }

  /// Holds every response for the first `length` seconds of every `period` seconds from now (a
  /// target that stalls, FAULTS NET-03): a request read at phase p < length waits `length - p`.
  public func stall(for length: Double, every period: Double) {
    counters.stallEveryMicros.store(0, ordering: .relaxed)
    counters.stallForMicros.store(Int(length * 1e6), ordering: .relaxed)
    counters.origin.withLock { $0 = NIODeadline.now() }
    counters.stallEveryMicros.store(Int(period * 1e6), ordering: .relaxed)
  }

  public func shutdown() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  private final class Responder: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let counters: Counters
    init(counters: Counters) { self.counters = counters }

    /// The route of the request being read; confined to the channel's loop.
    nonisolated(unsafe) var route = ""

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        route = "\(head.method.rawValue) \(head.uri)"
        counters.byRoute.withLock { $0[route, default: (0, 0)].count += 1 }
        return
      case .body(let body):
        counters.byRoute.withLock { $0[route, default: (0, 0)].bodyBytes += body.readableBytes }
        return
      case .end: break
      }
      counters.requests.wrappingAdd(1, ordering: .relaxed)
      let delay = max(counters.delayMicros.load(ordering: .relaxed), counters.stallMicros())
      let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
      if delay > 0 {
        context.eventLoop.scheduleTask(in: .microseconds(Int64(delay))) {
          Self.respond(bound.value)
        }
      } else {
        Self.respond(context)
      }
    }

    private static func respond(_ context: ChannelHandlerContext) {
      var headers = HTTPHeaders()
      headers.add(name: "Content-Length", value: "3")
      let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
      context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
      context.write(
        NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "ok\n")))), promise: nil)
      context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
    }
  }
}
