import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The other end of the control socket, for `rampart ctl` and for tests.
public enum ControlClient {
  public enum Failure: Error, CustomStringConvertible, Sendable {
    case cannotConnect(String, reason: String)
    case noReply(String)

    public var description: String {
      switch self {
      case .cannotConnect(let path, let reason): "cannot connect to the control socket '\(path)': \(reason)"
      case .noReply(let path): "no reply from the control socket '\(path)'"
      }
    }
  }

  /// Sends one command line and returns the one line that comes back.
  public static func send(_ line: String, to path: String, timeoutSeconds: Int32 = 10) throws(Failure)
    -> String
  {
    let fd = try connect(path)
    defer { _ = Glibc.close(fd) }
    let bytes = Array((line + "\n").utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw .noReply(path) }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !reply.contains(10) {
      var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, timeoutSeconds * 1000) > 0 else { throw .noReply(path) }
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      reply.append(contentsOf: buffer[0..<count])
    }
    guard let end = reply.firstIndex(of: 10) else { throw .noReply(path) }
    return String(decoding: reply[..<end], as: UTF8.self)
  }

  /// Whether a run is serving at `path` now.
  static func isListening(_ path: String) -> Bool {
    guard let fd = try? connect(path) else { return false }
    _ = Glibc.close(fd)
    return true
  }

  private static func connect(_ path: String) throws(Failure) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      throw .cannotConnect(path, reason: "path too long")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .cannotConnect(path, reason: errnoText()) }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard result == 0 else {
      let reason = errnoText()
      _ = Glibc.close(fd)
      throw .cannotConnect(path, reason: reason)
    }
    return fd
  }
}
