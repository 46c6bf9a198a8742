import Foundation
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A keep-alive server for the engine in this same process that breaks the client's next send on
/// purpose: before it answers the first request of a connection it shuts the client's end of that
/// connection for writing (the client's socket is found in this process by its ports), so the
/// request after that answer fails in send(2) with EPIPE, deterministically, while NIO has seen
/// nothing. The server keeps its side open (remote half-closure allowed): only the send fails.
final class SendBreakingServer: Sendable {
  let port: Int
  private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  private let channel: any Channel
  private let counts = Counts()

  final class Counts: Sendable {
    let answered = Atomic<Int>(0)
    let broken = Atomic<Int>(0)
  }

  init() async throws {
    let counts = self.counts
    channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(
            Answerer(counts: counts))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    port = channel.localAddress!.port!
  }

  var url: String { "http://127.0.0.1:\(port)/" }
  /// Requests the server read whole and answered.
  var answeredCount: Int { counts.answered.load(ordering: .relaxed) }
  /// Client sockets shut for writing.
  var brokenCount: Int { counts.broken.load(ordering: .relaxed) }

  func shutdown() async {
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  private final class Answerer: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let counts: Counts
    private var pending = ByteBuffer()
    private var requestsOnConnection = 0

    init(counts: Counts) { self.counts = counts }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      var bytes = unwrapInboundIn(data)
      pending.writeBuffer(&bytes)
      while let length = Self.requestLength(in: pending) {
        pending.moveReaderIndex(forwardBy: length)
        requestsOnConnection += 1
        counts.answered.wrappingAdd(1, ordering: .relaxed)
        if requestsOnConnection == 1, let client = context.channel.remoteAddress?.port,
          let server = context.channel.localAddress?.port,
          let fd = Self.clientSocket(localPort: client, peerPort: server),
          Glibc.shutdown(fd, Int32(SHUT_WR)) == 0
        {
          counts.broken.wrappingAdd(1, ordering: .relaxed)
        }
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
      }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
      // The client's FIN (its shut write side): keep this side open, as a server would until it
      // has answered.
    }

    /// Head plus Content-Length body, once the whole request is there.
    private static func requestLength(in buffer: ByteBuffer) -> Int? {
      let view = buffer.readableBytesView
      let end: [UInt8] = Array("\r\n\r\n".utf8)
      guard let headEnd = view.firstRange(of: end) else { return nil }
      let head = String(decoding: view[view.startIndex..<headEnd.lowerBound], as: UTF8.self).lowercased()
      var bodyLength = 0
      for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
        bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
      }
      let total = headEnd.upperBound - view.startIndex + bodyLength
      return buffer.readableBytes >= total ? total : nil
    }

    /// The client's socket of this connection, in this process: local port `localPort`, peer port
    /// `peerPort` (the server's own socket of the connection has them the other way round).
    private static func clientSocket(localPort: Int, peerPort: Int) -> Int32? {
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
      return entries.compactMap { Int32($0) }.first { fd in
        port(of: fd, using: getsockname) == localPort && port(of: fd, using: getpeername) == peerPort
      }
    }

    private static func port(
      of fd: Int32,
      using call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> Int? {
      var address = sockaddr_in()
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      let result = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
      }
      guard result == 0, Int32(address.sin_family) == AF_INET else { return nil }
      return Int(UInt16(bigEndian: address.sin_port))
    }
  }
}
