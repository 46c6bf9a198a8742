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
/// one command per line and answering each with one line. Clients are served one at a time on a
/// background thread; a client that sends nothing for a few seconds is dropped so it cannot block
/// the next one.
public final class ControlServer: Sendable {
  public let path: String
  private let listener: Int32
  private let responder: ControlResponder
  private let running = Atomic<Bool>(true)
  private let done = DispatchSemaphore(value: 0)

  /// Seconds a connected client may stay silent.
  static let idleSeconds: Int32 = 5

  public init(path: String, responder: ControlResponder) throws(ControlSocketError) {
    self.path = path
    self.responder = responder
    listener = try Self.listen(at: path)
    let thread = Thread { [self] in
      serve()
      done.signal()
    }
    thread.name = "rampart-control"
    thread.start()
  }

  /// Stops serving, closes the socket and removes its path.
  public func close() {
    guard running.exchange(false, ordering: .relaxed) else { return }
    done.wait()
    _ = Glibc.close(listener)
    unlink(path)
  }

  private func serve() {
    while running.load(ordering: .relaxed) {
      var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, 200) > 0 else { continue }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { continue }
      serveClient(client)
      _ = Glibc.close(client)
    }
  }

  /// Reads lines until the client hangs up (or goes quiet) and answers each.
  private func serveClient(_ client: Int32) {
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while running.load(ordering: .relaxed) {
      var ready = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, Self.idleSeconds * 1000) > 0 else { return }
      let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
      guard count > 0 else { return }
      pending.append(contentsOf: buffer[0..<count])
      while let newline = pending.firstIndex(of: 10) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
          .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        pending.removeSubrange(...newline)
        guard send(responder.respond(to: line), to: client) else { return }
      }
      if pending.count > ControlCommand.maximumLineBytes {
        _ = send("error: line longer than \(ControlCommand.maximumLineBytes) bytes", to: client)
        return
      }
    }
  }

  private func send(_ reply: String, to client: Int32) -> Bool {
    let bytes = Array((reply + "\n").utf8)
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
      guard n > 0 else { return false }
      sent += n
    }
    return true
  }

  /// Binds a fresh socket at `path` with mode 0600. A leftover socket from a run that was killed is
  /// replaced; anything else at the path is refused, never removed.
  static func listen(at path: String) throws(ControlSocketError) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    let bytes = Array(path.utf8)
    guard !bytes.isEmpty, bytes.count < capacity else {
      throw ControlSocketError(
        description: "--control path must be 1 to \(capacity - 1) bytes long: '\(path)'")
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
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else {
      throw ControlSocketError(description: "cannot create the control socket: \(errnoText())")
    }
    // The socket is created with 0600 from the start, so no other user can connect in between.
    let previous = umask(0o177)
    let bound = withUnsafePointer(to: &address) {
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
    guard Glibc.listen(fd, 8) == 0 else {
      let reason = errnoText()
      _ = Glibc.close(fd)
      unlink(path)
      throw ControlSocketError(description: "cannot listen on '\(path)': \(reason)")
    }
    return fd
  }
}

func errnoText() -> String { String(cString: strerror(errno)) }
