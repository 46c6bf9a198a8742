import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP listener with a backlog of 1 that never accepts: once the queue is full, further
/// connects hang until their timeout (FAULTS NET-04 "slow accept").
final class StalledListener: @unchecked Sendable {
  let port: Int
  private let fd: Int32
  private var filler: [Int32] = []

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, len) == 0 && listen(fd, 0) == 0 && getsockname(fd, $0, &len) == 0
      }
    }
    guard ok else { throw CocoaError(.fileWriteUnknown) }
    port = Int(UInt16(bigEndian: addr.sin_port))
    // Fill the accept queue ourselves so every engine connect stalls.
    for _ in 0..<4 {
      let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, len) }
      }
      filler.append(c)
    }
    usleep(100_000)
  }

  func close() {
    for c in filler { Glibc.close(c) }
    Glibc.close(fd)
  }
}
