import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One connection: routes each request, holds a backend worker for the service time, answers,
/// and logs it the way uvicorn would, including the traceback when the client left first.
final class TargetHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private enum PeerGone { case closed, reset }

  private let core: TargetCore
  private var head: HTTPRequestHead?
  private var peerGone: PeerGone?
  private var remote = "127.0.0.1:0"

  init(core: TargetCore) {
    self.core = core
  }

  func channelActive(context: ChannelHandlerContext) {
    if let address = context.remoteAddress, let ip = address.ipAddress, let port = address.port {
      remote = "\(ip):\(port)"
    }
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    if peerGone == nil { peerGone = .closed }
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let io = error as? IOError, io.errnoCode == ECONNRESET { peerGone = .reset }
    if peerGone == nil { peerGone = .closed }
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let h): head = h
    case .body: break
    case .end:
      guard let head else { return }
      self.head = nil
      route(head, context: context)
    }
  }

  private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
    let started = ContinuousClock.now
    let (path, query) = Self.split(head.uri)
    switch path {
    case "/health":
      respond(context, head, .ok, body: ByteBuffer(string: "ok\n"), started: started)
    case "/":
      schedule(context, head, service: nil, started: started)
    case "/work":
      guard let ms = query["ms"].flatMap(Double.init), ms >= 0, ms <= 60_000 else {
        respond(
          context, head, .badRequest, body: ByteBuffer(string: "ms must be 0-60000\n"), started: started)
        return
      }
      schedule(context, head, service: ms / 1000, started: started)
    default:
      if path.hasPrefix("/status/"), let code = Int(path.dropFirst(8)), (100...599).contains(code) {
        respond(context, head, HTTPResponseStatus(statusCode: code), body: ByteBuffer(), started: started)
      } else if path.hasPrefix("/bytes/"), let n = Int(path.dropFirst(7)), (0...10_485_760).contains(n) {
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: n)
        respond(context, head, .ok, body: body, started: started)
      } else {
        respond(context, head, .notFound, body: ByteBuffer(string: "not found\n"), started: started)
      }
    }
  }

  /// Holds a worker of the next backend for the service time, then answers; a full queue answers
  /// 503 at once or resets the connection.
  private func schedule(
    _ context: ChannelHandlerContext, _ head: HTTPRequestHead, service: Double?,
    started: ContinuousClock.Instant
  ) {
    let core = core
    let seconds = core.serviceTime(requested: service)
    let loop = context.eventLoop
    let bound = NIOLoopBound((self, context), eventLoop: loop)
    let job = Backend.Job(loop: loop, arrival: .now()) { startAt, done in
      let end = startAt + .nanoseconds(Int64(seconds * 1e9))
      let finish: @Sendable () -> Void = {
        done(end)
        let (handler, context) = bound.value
        let body = ByteBuffer(string: "{\"ok\":true,\"service_ms\":\(Int((seconds * 1000).rounded()))}\n")
        handler.respond(context, head, .ok, body: body, started: started, json: true)
      }
      if let pool = core.burnPool {
        pool.runIfActive(eventLoop: loop) { burnCPU(seconds: seconds) }.whenComplete { _ in finish() }
      } else {
        loop.scheduleTask(deadline: end) { finish() }
      }
    }
    guard core.pickBackend().submit(job) else {
      core.counters.refused.wrappingAdd(1, ordering: .relaxed)
      switch core.config.overload {
      case .status503:
        respond(
          context, head, .serviceUnavailable, body: ByteBuffer(string: "queue full\n"), started: started)
      case .reset:
        core.log.warning("uvicorn.error", "\(remote) - queue full, connection dropped")
        // SO_LINGER 0 makes the close a TCP reset, as a proxy dropping the connection does.
        let channel = context.channel
        if let socket = channel as? any SocketOptionProvider {
          socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil)
          }
        } else {
          channel.close(promise: nil)
        }
      }
      return
    }
  }

  private func respond(
    _ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: HTTPResponseStatus, body: ByteBuffer,
    started: ContinuousClock.Instant, json: Bool = false
  ) {
    let request = "\"\(head.method.rawValue) \(head.uri) HTTP/\(head.version.major).\(head.version.minor)\""
    if let gone = peerGone ?? (context.channel.isActive ? nil : .closed) {
      // What uvicorn logs when the app's send() hits a socket the client has left.
      core.counters.clientGone.wrappingAdd(1, ordering: .relaxed)
      core.log.write(
        "ERROR", "uvicorn.error", "Exception in ASGI application",
        continuation: Traceback.sendFailed(gone == .reset ? Traceback.connectionReset : Traceback.brokenPipe))
      return
    }
    core.counters.served.wrappingAdd(1, ordering: .relaxed)
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: json ? "application/json" : "text/plain")
    headers.add(name: "Content-Length", value: String(body.readableBytes))
    headers.add(name: "Server", value: "uvicorn")
    let keepAlive = head.isKeepAlive
    if !keepAlive { headers.add(name: "Connection", value: "close") }
    context.write(
      wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
      promise: nil)
    if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
    let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    let elapsed = ContinuousClock.now - started
    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    let level = status.code >= 500 ? "WARNING" : "INFO"
    core.log.write(
      level, "uvicorn.access",
      "\(remote) - \(request) \(status.code) \(status.reasonPhrase) \(String(format: "%.1f", ms))ms")
    if !keepAlive {
      let channel = context.channel
      written.whenComplete { _ in channel.close(promise: nil) }
    }
  }

  private static func split(_ uri: String) -> (String, [String: String]) {
    guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
    var query: [String: String] = [:]
    for pair in uri[uri.index(after: mark)...].split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1)
      query[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return (String(uri[..<mark]), query)
  }
}
