import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Plain-socket HTTP exchanges with 127.0.0.1 for server tests: the status line included, and a
/// client that hangs up before its answer.
public enum RawClient {
  /// One request on a fresh connection: the status code and the body.
  public static func request(port: Int, path: String) throws -> (status: Int, body: String) {
    let fd = try connectLoopback(port: port)
    defer { close(fd) }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      data += buffer[0..<n]
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n"),
      let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap({ Int($0) })
    else { throw TestSupportError("bad response from \(port): \(text.prefix(80))") }
    return (status, String(text[split.upperBound...]))
  }

  /// Sends a request and closes the connection after `seconds`, before the answer can arrive.
  public static func sendAndHangUp(port: Int, path: String, after seconds: Double) throws {
    let fd = try connectLoopback(port: port)
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    usleep(useconds_t(seconds * 1e6))
    close(fd)
  }

  /// Sends a request and aborts the connection with a TCP reset (SO_LINGER 0) after `seconds`.
  public static func sendAndReset(port: Int, path: String, after seconds: Double) throws {
    let fd = try connectLoopback(port: port)
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    usleep(useconds_t(seconds * 1e6))
    var abort = linger(l_onoff: 1, l_linger: 0)
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
    close(fd)
  }

  private static func connectLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket failed") }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(fd)
      throw TestSupportError("connect to \(port) failed")
    }
    return fd
  }
}
