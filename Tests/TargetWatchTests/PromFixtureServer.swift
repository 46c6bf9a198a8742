import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A metrics endpoint on 127.0.0.1 with an OS-chosen port, serving what the test sets: a body
/// (with a Content-Length, or chunked as Go's exporters send large pages), an error status, or
/// nothing at all (it accepts and never answers, as a hung exporter).
final class PromFixtureServer: Sendable {
  enum Behaviour: Sendable {
    case body(String, chunked: Bool)
    case status(Int)
    case hang
  }

  let port: Int
  private let group: MultiThreadedEventLoopGroup
  private let channel: any Channel
  private let state: State

  final class State: Sendable {
    let behaviour: Mutex<Behaviour>
    let requests = Atomic<Int>(0)
    let connections = Atomic<Int>(0)
    init(_ behaviour: Behaviour) { self.behaviour = Mutex(behaviour) }
  }

  init(_ behaviour: Behaviour) async throws {
    let state = State(behaviour)
    self.state = state
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        state.connections.wrappingAdd(1, ordering: .relaxed)
        return channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Responder(state: state))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress!.port!
  }

  var url: String { "http://127.0.0.1:\(port)/metrics" }
  var requests: Int { state.requests.load(ordering: .relaxed) }
  var connections: Int { state.connections.load(ordering: .relaxed) }

  func set(_ behaviour: Behaviour) { state.behaviour.withLock { $0 = behaviour } }

  /// Serves `text` with a Content-Length.
  func serve(_ text: String) { set(.body(text, chunked: false)) }

  func shutdown() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  private final class Responder: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let state: State
    init(state: State) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard case .end = unwrapInboundIn(data) else { return }
      state.requests.wrappingAdd(1, ordering: .relaxed)
      var headers = HTTPHeaders()
      let status: HTTPResponseStatus
      var body = ""
      switch state.behaviour.withLock({ $0 }) {
      case .hang:
        return
      case .status(let code):
        status = HTTPResponseStatus(statusCode: code)
        headers.add(name: "Content-Length", value: "0")
      case .body(let text, let chunked):
        status = .ok
        body = text
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4")
        if chunked {
          headers.add(name: "Transfer-Encoding", value: "chunked")
        } else {
          headers.add(name: "Content-Length", value: String(text.utf8.count))
        }
      }
      context.write(
        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
        promise: nil)
      if !body.isEmpty {
        // In pieces, so a chunked body is several chunks.
        let bytes = Array(body.utf8)
        var start = 0
        while start < bytes.count {
          let end = min(bytes.count, start + 1000)
          context.write(
            wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes[start..<end])))), promise: nil)
          start = end
        }
      }
      let channel = context.channel
      context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
  }
}
