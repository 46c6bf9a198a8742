import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A control client that behaves as the test says, not as a polite client would: it connects
/// without blocking, writes without reading, stays silent, or reads with a deadline.
public final class RawUnixClient {
  public let fd: Int32

  /// Connects without blocking; nil when the server's backlog is full or nobody listens.
  public init?(path: String) {
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8)) }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else {
      close(fd)
      return nil
    }
  }

  deinit { close(fd) }

  public enum Flood: Equatable { case serverHungUp(afterBytes: Int), stillOpen(afterBytes: Int) }

  /// Writes `line` over and over without reading anything back, for up to `seconds`: until the
  /// server hangs up, `times` lines went out, or the socket stays full for the rest of the time.
  public func flood(_ line: String, times: Int, seconds: Double) -> Flood {
    let bytes = Array((line + "\n").utf8)
    let deadline = Date().addingTimeInterval(seconds)
    var sent = 0
    var lines = 0
    var offset = 0
    while Date() < deadline {
      if lines == times { return .stillOpen(afterBytes: sent) }
      let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if n > 0 {
        sent += n
        offset += n
        if offset == bytes.count {
          offset = 0
          lines += 1
        }
      } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
        var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&ready, 1, 50)
      } else {
        return .serverHungUp(afterBytes: sent)
      }
    }
    return .stillOpen(afterBytes: sent)
  }

  /// `flood`, then, when every line went out before the server reacted (the kernel's buffers can
  /// hold them all on a busy machine), waits for the rest of `seconds` for the hang-up, still
  /// reading nothing: the replies the server could not deliver are what must end the connection.
  public func floodUntilHungUp(_ line: String, times: Int, seconds: Double) -> Flood {
    let deadline = Date().addingTimeInterval(seconds)
    let flood = flood(line, times: times, seconds: seconds)
    guard case .stillOpen(let sent) = flood else { return flood }
    while Date() < deadline {
      // No events asked for: poll reports only POLLHUP and POLLERR, so nothing is read.
      var ready = pollfd(fd: fd, events: 0, revents: 0)
      if poll(&ready, 1, 50) > 0, ready.revents & Int16(POLLHUP | POLLERR) != 0 {
        return .serverHungUp(afterBytes: sent)
      }
    }
    return flood
  }

  /// Whether the server has closed this connection within `seconds` (reads and drops what comes).
  public func waitForHangUp(seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while Date() < deadline {
      var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, 50) > 0 else { continue }
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { return true }
    }
    return false
  }

  /// Everything the server sends within `seconds` or until it hangs up.
  public func readAll(seconds: Double) -> String {
    let deadline = Date().addingTimeInterval(seconds)
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while Date() < deadline {
      var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, 50) > 0 else { continue }
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n > 0 {
        reply += buffer[0..<n]
      } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
        break
      }
    }
    return String(decoding: reply, as: UTF8.self)
  }
}
