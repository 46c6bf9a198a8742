import Foundation
import Metrics
import Vocabulary

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The other end of the control socket, for `rampart ctl` and for tests. Every step (connect,
/// send, the reply) is bounded by one deadline: a run that is busy, stuck or gone never keeps the
/// caller waiting longer than it asked.
public enum ControlClient {
  public enum Failure: Error, CustomStringConvertible, Sendable {
    case cannotConnect(String, reason: String)
    /// The socket is there, but no connection was taken within the time allowed (its backlog full).
    case notAccepted(String, seconds: Double)
    case noReply(String, seconds: Double)

    public var description: String {
      switch self {
      case .cannotConnect(let path, let reason): "cannot connect to the control socket '\(path)': \(reason)"
      case .notAccepted(let path, let seconds):
        "the control socket '\(path)' took no connection within \(DurationText.format(seconds))"
      case .noReply(let path, let seconds):
        "no reply from the control socket '\(path)' within \(DurationText.format(seconds))"
      }
    }
  }

  public static let defaultTimeout = 10.0

  /// Sends one command line and returns the one line that comes back, within `timeout` seconds.
  public static func send(_ line: String, to path: String, timeout: Double = defaultTimeout) throws(Failure)
    -> String
  {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    let fd = try connect(path, until: deadline, timeout: timeout)
    defer { _ = Glibc.close(fd) }
    var request = Array((line + "\n").utf8)[...]
    // A server that refuses the connection (too many clients) may close before the request is
    // written; its one-line reason is still there to read.
    while !request.isEmpty {
      let sent = UnixSocket.send(fd, request)
      if sent > 0 {
        request = request.dropFirst(sent)
      } else if sent < 0 && (errno == EAGAIN || errno == EINTR) {
        guard UnixSocket.wait(fd, for: Int32(POLLOUT), milliseconds: millisecondsLeft(deadline)) != 0 else {
          throw .noReply(path, seconds: timeout)
        }
      } else {
        break
      }
    }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !reply.contains(10) {
      guard UnixSocket.wait(fd, for: Int32(POLLIN), milliseconds: millisecondsLeft(deadline)) != 0 else {
        throw .noReply(path, seconds: timeout)
      }
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
      guard count > 0 else { break }
      reply.append(contentsOf: buffer[0..<count])
    }
    guard let end = reply.firstIndex(of: 10) else { throw .noReply(path, seconds: timeout) }
    return String(decoding: reply[..<end], as: UTF8.self)
  }

  /// Whether a run is serving at `path` now (a full backlog counts: someone listens). Never blocks.
  static func isListening(_ path: String) -> Bool {
    guard let address = UnixSocket.address(path) else { return false }
    let fd = UnixSocket.makeNonBlocking()
    guard fd >= 0 else { return false }
    defer { _ = Glibc.close(fd) }
    return UnixSocket.connect(fd, to: address) == 0 || errno == EAGAIN || errno == EINPROGRESS
  }

  /// A connected non-blocking socket. A Unix socket whose backlog is full answers EAGAIN at once:
  /// retried every 10 ms until the deadline.
  private static func connect(_ path: String, until deadline: ContinuousClock.Instant, timeout: Double)
    throws(Failure) -> Int32
  {
    guard let address = UnixSocket.address(path) else {
      throw .cannotConnect(path, reason: "path too long")
    }
    while true {
      let fd = UnixSocket.makeNonBlocking()
      guard fd >= 0 else { throw .cannotConnect(path, reason: errnoText()) }
      if UnixSocket.connect(fd, to: address) == 0 { return fd }
      let code = errno
      if code == EINPROGRESS {
        // Not how Linux answers for Unix sockets, but where it is, the connect finishes in the
        // background: wait for it within the deadline.
        if UnixSocket.wait(fd, for: Int32(POLLOUT), milliseconds: millisecondsLeft(deadline)) != 0 {
          var failure: Int32 = 0
          var size = socklen_t(MemoryLayout<Int32>.size)
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size)
          if failure == 0 { return fd }
          _ = Glibc.close(fd)
          throw .cannotConnect(path, reason: errnoText(failure))
        }
        _ = Glibc.close(fd)
        throw .notAccepted(path, seconds: timeout)
      }
      _ = Glibc.close(fd)
      guard code == EAGAIN || code == EINTR else { throw .cannotConnect(path, reason: errnoText(code)) }
      guard millisecondsLeft(deadline) > 0 else { throw .notAccepted(path, seconds: timeout) }
      usleep(10_000)
    }
  }

  private static func millisecondsLeft(_ deadline: ContinuousClock.Instant) -> Int32 {
    Int32(clamping: UnixSocket.milliseconds(deadline - ContinuousClock.now))
  }
}
