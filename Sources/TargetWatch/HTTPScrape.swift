#if canImport(Glibc)
  import Glibc
#endif

/// One HTTP GET on a non-blocking socket, driven by `ScrapeBatch`'s poll loop: connect (each
/// address in turn until one answers), send the request, read the response until it is whole
/// or the peer closes. Nothing here ever blocks; the batch's deadline ends what is left.
final class HTTPScrape {
  private enum Phase {
    case connecting, sending, receiving
  }

  private var addresses: ArraySlice<SocketAddress>
  private let request: [UInt8]
  private var decoder: HTTPResponseDecoder
  private var phase = Phase.connecting
  private var sent = 0
  private(set) var fd: Int32 = -1
  /// The body once the response is whole, or why there is none; nil while under way.
  private(set) var outcome: Result<[UInt8], ScrapeFailure>?
  /// Whether any address refused or failed the connection (the host's addresses may be stale).
  private(set) var connectFailed = false

  init(addresses: [SocketAddress], host: String, target: String, bodyLimit: Int) {
    self.addresses = addresses[...]
    decoder = HTTPResponseDecoder(bodyLimit: bodyLimit)
    // Connection: close, so the server ends the exchange; the text format is asked for (a
    // client library may otherwise choose OpenMetrics or protobuf) and no compression.
    request = Array(
      ("GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: rampart\r\n"
        + "Accept: text/plain;version=0.0.4;q=1.0, */*;q=0.1\r\nAccept-Encoding: identity\r\n"
        + "Connection: close\r\n\r\n").utf8)
    connectNext(previousError: "no address")
  }

  /// What to poll the socket for.
  var events: Int16 { Int16(phase == .receiving ? POLLIN : POLLOUT) }

  /// Advances on what poll reported for the socket.
  func handle(revents: Int16) {
    guard outcome == nil else { return }
    switch phase {
    case .connecting:
      var error: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
      if error != 0 || revents & Int16(POLLERR | POLLNVAL) != 0 {
        connectFailed = true
        connectNext(previousError: Self.text(error == 0 ? ECONNREFUSED : error))
      } else {
        phase = .sending
        send()
      }
    case .sending:
      send()
    case .receiving:
      receive()
    }
  }

  /// Ends the scrape unfinished (the deadline passed, or the sampler is stopping).
  func abandon(_ reason: String) {
    if outcome == nil { finish(.failure(ScrapeFailure(reason))) }
  }

  private func connectNext(previousError: String) {
    closeSocket()
    guard let address = addresses.popFirst() else {
      return finish(.failure(ScrapeFailure("cannot connect: \(previousError)")))
    }
    fd = socket(
      address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return finish(.failure(ScrapeFailure("cannot open a socket: \(Self.text(errno))"))) }
    var storage = address.storage
    let result = withUnsafePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
    }
    if result == 0 {
      phase = .sending
      send()
    } else if errno != EINPROGRESS && errno != EINTR {
      connectFailed = true
      connectNext(previousError: Self.text(errno))
    }
  }

  private func send() {
    while sent < request.count {
      let count = request[sent...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if count < 0 {
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
        return finish(.failure(ScrapeFailure("sending the request failed: \(Self.text(errno))")))
      }
      sent += count
    }
    phase = .receiving
    receive()
  }

  private func receive() {
    var buffer = [UInt8](repeating: 0, count: 64 << 10)
    while outcome == nil {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count < 0 {
        if errno == EAGAIN || errno == EWOULDBLOCK { return }
        if errno == EINTR { continue }
        return finish(.failure(ScrapeFailure("reading the response failed: \(Self.text(errno))")))
      }
      do {
        if count == 0 { return finish(.success(try decoder.finish())) }
        try decoder.feed(buffer[0..<count])
        if decoder.isComplete { finish(.success(try decoder.finish())) }
      } catch {
        finish(.failure(error))
      }
    }
  }

  private func finish(_ result: Result<[UInt8], ScrapeFailure>) {
    outcome = result
    closeSocket()
  }

  private func closeSocket() {
    if fd >= 0 { Glibc.close(fd) }
    fd = -1
  }

  deinit { closeSocket() }

  static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
