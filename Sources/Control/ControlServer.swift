import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the control socket could not be opened: one line for the user, exit code 2.
public struct ControlSocketError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

/// The control socket: a Unix socket (never TCP) with mode 0600 at a path the user names, serving
/// one command per line and answering each with one line. Clients are served side by side on one
/// background thread (`ControlLoop`) with non-blocking I/O, so no client can hold the run: one
/// that stays silent is dropped after `Limits.idle`, one that does not read its replies is dropped
/// once `Limits.outputBytes` of them wait, and `close()` returns within `Limits.shutdown`.
public final class ControlServer: Sendable {
  public struct Limits: Sendable {
    /// A client that moves no byte either way for this long is dropped.
    public var idle: Duration = .seconds(5)
    /// Clients served at once; one more gets `busyReply` and is closed.
    public var clients = 16
    /// Replies a client has not read yet, beyond what its socket buffer took; more drops it.
    public var outputBytes = 64 * 1024
    /// Fairness between clients: lines answered and bytes read per client per turn.
    public var linesPerTurn = 64
    public var readBytesPerTurn = 64 * 1024
    /// The listen backlog, and the connections accepted per turn.
    public var backlog = 64
    /// The longest `close()` waits for the serving thread.
    public var shutdown: Duration = .milliseconds(500)

    public init() {}
  }

  /// The one line a client over `Limits.clients` gets before it is closed.
  public static func busyReply(_ clients: Int) -> String {
    busyPrefix + "\(clients) control clients are connected, the most served at once; try again"
  }
  public static let busyPrefix = "error: busy: "

  public let path: String
  private let wakeWriter: Int32
  private let limits: Limits
  private let finished = DispatchSemaphore(value: 0)
  private let closed = Atomic<Bool>(false)

  public init(path: String, responder: ControlResponder, limits: Limits = Limits()) throws(ControlSocketError)
  {
    self.path = path
    self.limits = limits
    let listener = try Self.listen(at: path, backlog: limits.backlog)
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else {
      let reason = errnoText()
      _ = Glibc.close(listener)
      unlink(path)
      throw ControlSocketError(description: "cannot open the control socket's wake pipe: \(reason)")
    }
    for end in pipeEnds { UnixSocket.setNonBlocking(end) }
    wakeWriter = pipeEnds[1]
    let (wakeReader, finished) = (pipeEnds[0], finished)
    // The loop is made on its thread and lives there: its state is never shared.
    let thread = Thread {
      ControlLoop(listener: listener, wake: wakeReader, responder: responder, limits: limits).run()
      finished.signal()
    }
    thread.name = "rampart-control"
    thread.start()
  }

  /// Stops serving and removes the socket's path. Waits at most `Limits.shutdown` for the serving
  /// thread, which only ever waits in poll(2) or answers one line, so it is done long before.
  public func close() {
    guard !closed.exchange(true, ordering: .relaxed) else { return }
    unlink(path)
    _ = Glibc.write(wakeWriter, [UInt8(1)], 1)
    let waitFor = DispatchTimeInterval.milliseconds(UnixSocket.milliseconds(limits.shutdown))
    if finished.wait(timeout: .now() + waitFor) == .success {
      _ = Glibc.close(wakeWriter)
    }
  }

  /// Binds a fresh non-blocking socket at `path` with mode 0600. A leftover socket from a run that
  /// was killed is replaced; anything else at the path is refused, never removed.
  static func listen(at path: String, backlog: Int) throws(ControlSocketError) -> Int32 {
    guard let address = UnixSocket.address(path) else {
      throw ControlSocketError(
        description: "--control path must be 1 to \(UnixSocket.pathCapacity - 1) bytes long: '\(path)'")
    }
    var info = stat()
    if lstat(path, &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFSOCK else {
        throw ControlSocketError(description: "--control path '\(path)' exists and is not a socket")
      }
      if ControlClient.isListening(path) {
        throw ControlSocketError(description: "--control path '\(path)' is in use by another run")
      }
      unlink(path)
    }
    let fd = UnixSocket.makeNonBlocking()
    guard fd >= 0 else {
      throw ControlSocketError(description: "cannot create the control socket: \(errnoText())")
    }
    // The socket is created with 0600 from the start, so no other user can connect in between.
    let previous = umask(0o177)
    var bindAddress = address
    let bound = withUnsafePointer(to: &bindAddress) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    umask(previous)
    guard bound == 0 else {
      let reason = errnoText()
      _ = Glibc.close(fd)
      throw ControlSocketError(description: "cannot bind the control socket at '\(path)': \(reason)")
    }
    chmod(path, 0o600)
    guard Glibc.listen(fd, Int32(backlog)) == 0 else {
      let reason = errnoText()
      _ = Glibc.close(fd)
      unlink(path)
      throw ControlSocketError(description: "cannot listen on '\(path)': \(reason)")
    }
    return fd
  }
}
