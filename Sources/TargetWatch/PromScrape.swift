import Dispatch
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
  import Glibc
#endif

/// One GET of a metrics page with SwiftNIO's HTTP/1.1 client (NIOHTTP1 frames the response:
/// Content-Length, chunked as Go's exporters send large pages, or read to the close). The scrape
/// runs on the watch's own one-thread event loop group, never on the load engine's loops.
///
/// The whole scrape (name lookup, connect, request, response) has one deadline, a task on the
/// loop that fails the scrape and closes its channel. NIO looks a host name up with getaddrinfo
/// on the loop's thread, which cannot be given a deadline: a resolver that does not answer holds
/// the loop, and the deadline task with it. So the caller never relies on the loop alone: it
/// waits for the future with the same deadline on its own side (`ScrapeTick`) and takes a scrape
/// still unanswered then as timed out, and the group is shut down without waiting for a stuck
/// loop (`shutDown(_:)`).
enum PromScrape {
  /// Starts the scrape of `url` on `loop`; the future gives the body, or fails with a
  /// `ScrapeFailure` whose reason is the lost event's.
  static func start(
    _ url: PromURL, bodyLimit: Int, timeout: Double, on loop: any EventLoop
  ) -> EventLoopFuture<[UInt8]> {
    let promise = loop.makePromise(of: [UInt8].self)
    let timeoutText = PromReader.timeoutText(timeout)
    let limit = TimeAmount.nanoseconds(Int64(timeout * 1e9))
    let deadline = loop.scheduleTask(in: limit) { promise.fail(ScrapeFailure(timeoutText)) }
    promise.futureResult.whenComplete { _ in deadline.cancel() }
    // A loop shut down before the deadline fails the task instead of running it: the scrape
    // still ends (an unanswered promise is a leak NIO traps in debug builds). A cancelled task
    // (the scrape ended first) fails too, which does nothing to a completed promise.
    deadline.futureResult.whenFailure { _ in promise.fail(ScrapeFailure("the sampler stopped")) }
    let bootstrap = ClientBootstrap(group: loop)
      .connectTimeout(limit)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHTTPClientHandlers() }
      }
    // An address literal is connected to as it is; a name goes through NIO's resolver, which
    // tries each address it finds (happy eyeballs).
    let connected =
      if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
        bootstrap.connect(to: address)
      } else {
        bootstrap.connect(host: url.host, port: url.port)
      }
    connected.whenComplete { result in
      switch result {
      case .success(let channel):
        // Added to the connection that won only: happy eyeballs may open others, which NIO
        // closes, and which must neither send the request nor fail the scrape as they close.
        do {
          try channel.pipeline.syncOperations.addHandler(
            ScrapeHandler(url: url, bodyLimit: bodyLimit, promise: promise))
        } catch {
          promise.fail(ScrapeFailure("cannot set up the connection: \(error)"))
          channel.close(promise: nil)
        }
      case .failure(let error):
        promise.fail(connectFailure(error, timeoutText: timeoutText))
      }
    }
    return promise.futureResult
  }

  /// Shuts `group` down, waiting at most `seconds` for it. A loop held by a resolver that does not
  /// answer finishes its shutdown by itself once getaddrinfo returns; the sampler's stop() is not
  /// kept waiting for that (the group's thread then outlives the sampler by that long).
  static func shutDown(_ group: MultiThreadedEventLoopGroup, waitingAtMost seconds: Double = 0.1) {
    let done = DispatchSemaphore(value: 0)
    group.shutdownGracefully(queue: .global()) { _ in done.signal() }
    _ = done.wait(timeout: .now() + seconds)
  }

  /// The reason a connection could not be made.
  static func connectFailure(_ error: any Error, timeoutText: String) -> ScrapeFailure {
    switch error {
    case let error as NIOConnectionError:
      if let first = error.connectionErrors.first {
        return connectFailure(first.error, timeoutText: timeoutText)
      }
      return ScrapeFailure("cannot resolve \(error.host)")
    case let error as IOError:
      return ScrapeFailure("cannot connect: \(String(cString: strerror(error.errnoCode)))")
    case ChannelError.connectTimeout:
      return ScrapeFailure(timeoutText)
    case let error as ScrapeFailure:
      return error
    default:
      return ScrapeFailure("cannot connect: \(error)")
    }
  }

  static func overLimit(_ limit: Int) -> String {
    limit % (1 << 20) == 0 ? "the body is over \(limit >> 20) MiB" : "the body is over \(limit) bytes"
  }
}

/// Sends the request once the connection is up and collects the response: the head (HTTP 200,
/// not compressed) and the body parts up to the bound. It completes the scrape's promise, and
/// closes the channel once the promise is completed, whoever completed it (the deadline too).
private final class ScrapeHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundOut = HTTPClientRequestPart

  private let url: PromURL
  private let bodyLimit: Int
  private let promise: EventLoopPromise<[UInt8]>
  private var head: HTTPResponseHead?
  private var body: [UInt8] = []
  /// Whether the promise is completed: what still arrives is dropped.
  private var finished = false

  init(url: PromURL, bodyLimit: Int, promise: EventLoopPromise<[UInt8]>) {
    self.url = url
    self.bodyLimit = bodyLimit
    self.promise = promise
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let channel = context.channel
    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
    guard channel.isActive else { return fail("the connection closed before a response") }
    // Connection: close, so the server ends the exchange; the text format is asked for (a
    // client library may otherwise choose OpenMetrics or protobuf) and no compression.
    let headers = HTTPHeaders([
      ("Host", url.hostAndPort), ("User-Agent", "rampart"),
      ("Accept", "text/plain;version=0.0.4;q=1.0, */*;q=0.1"), ("Accept-Encoding", "identity"),
      ("Connection", "close"),
    ])
    context.write(
      wrapOutboundOut(
        .head(HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: headers))),
      promise: nil)
    let promise = promise
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenFailure { error in
      promise.fail(ScrapeFailure("sending the request failed: \(error)"))
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !finished else { return }
    switch unwrapInboundIn(data) {
    case .head(let received):
      head = received
      guard received.status.code == 200 else { return fail("HTTP \(received.status.code)") }
      if let encoding = received.headers.first(name: "Content-Encoding"), encoding.lowercased() != "identity"
      {
        return fail("a compressed body (Content-Encoding: \(encoding))")
      }
      if let length = received.headers.first(name: "Content-Length").flatMap(Int.init), length > bodyLimit {
        return fail(PromScrape.overLimit(bodyLimit))
      }
    case .body(let part):
      guard body.count + part.readableBytes <= bodyLimit else { return fail(PromScrape.overLimit(bodyLimit)) }
      body.append(contentsOf: part.readableBytesView)
    case .end:
      finished = true
      promise.succeed(body)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    fail(head == nil ? "the connection closed before a response" : "the connection closed mid-body")
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if error is HTTPParserError {
      fail("not an HTTP response (\(error))")
    } else {
      fail("reading the response failed: \(error)")
    }
  }

  /// Fails the scrape (nothing happens if it is already complete); the channel then closes.
  private func fail(_ reason: String) {
    finished = true
    promise.fail(ScrapeFailure(reason))
  }
}

/// Why a scrape gave no figures: one short phrase for the lost event.
struct ScrapeFailure: Error, Sendable, Equatable {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}
