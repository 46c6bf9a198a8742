import NIOCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a plain-HTTP request with one send(2) on the connection's socket instead of NIO's write
/// path (pipeline, pending-writes queue, flush), which cost about 3.5 us of CPU per request, a
/// seventh of rampart's whole cost at 1000 connections; on a box the target shares, that CPU is
/// the target's (docs/benchmarks.md). NIO keeps reading, closing and every write that does not go
/// out whole at once.
enum DirectSocket {
  /// The descriptor of a connected channel, when it can be proven to be this channel's. NIO has no
  /// accessor: its description names the descriptor ("fd=N"), which is only trusted when the
  /// socket's own addresses (getsockname, getpeername) are the channel's.
  static func descriptor(of channel: any Channel) -> Int32? {
    guard let local = channel.localAddress, let remote = channel.remoteAddress else { return nil }
    let text = String(describing: channel)
    guard let marker = text.range(of: "fd=") else { return nil }
    guard let fd = Int32(text[marker.upperBound...].prefix(while: \.isNumber)), fd >= 0 else { return nil }
    guard same(local, address(of: fd, using: getsockname)),
      same(remote, address(of: fd, using: getpeername))
    else { return nil }
    return fd
  }

  enum Outcome: Equatable {
    /// Every byte is in the kernel's send buffer.
    case sent
    /// This many bytes went out (maybe none); the rest must wait for the socket to drain.
    case partial(Int)
    /// The connection is broken; the errno says how.
    case failed(Int32)
  }

  static func send(_ buffer: ByteBuffer, on fd: Int32) -> Outcome {
    let count = buffer.readableBytes
    let sent = buffer.withUnsafeReadableBytes { bytes in
      #if canImport(Glibc)
        Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
      #else
        Darwin.send(fd, bytes.baseAddress, bytes.count, 0)
      #endif
    }
    if sent == count { return .sent }
    if sent >= 0 { return .partial(sent) }
    let code = errno
    return code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? .partial(0) : .failed(code)
  }

  private typealias AddressCall = (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) ->
    Int32

  private static func address(of fd: Int32, using call: AddressCall) -> sockaddr_storage? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
    }
    return result == 0 ? storage : nil
  }

  private static func same(_ address: SocketAddress, _ storage: sockaddr_storage?) -> Bool {
    guard var storage else { return false }
    switch address {
    case .v4(let v4):
      guard Int32(storage.ss_family) == AF_INET else { return false }
      let other = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
      return other.sin_port == v4.address.sin_port && other.sin_addr.s_addr == v4.address.sin_addr.s_addr
    case .v6(let v6):
      guard Int32(storage.ss_family) == AF_INET6 else { return false }
      let other = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
      var mine = v6.address
      var theirs = other
      return other.sin6_port == mine.sin6_port
        && withUnsafeBytes(of: &mine.sin6_addr) { a in
          withUnsafeBytes(of: &theirs.sin6_addr) { a.elementsEqual($0) }
        }
    case .unixDomainSocket:
      return false
    }
  }
}
