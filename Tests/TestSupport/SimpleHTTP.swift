import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A blocking one-shot HTTP GET over a plain socket to 127.0.0.1, for reading fixture counters
/// without pulling an HTTP client library into the tests.
public enum SimpleHTTP {
  public static func get(port: Int, path: String) throws -> String {
    try RawClient.request(port: port, path: path).body
  }

  /// A port that nothing listens on: bound, then closed.
  public static func unusedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
  }
}
