#if canImport(Glibc)
  import Glibc
#endif

/// One address to connect to, IPv4 or IPv6, as getaddrinfo gives it.
struct SocketAddress: @unchecked Sendable {
  // sockaddr_storage is plain bytes; @unchecked only because the C struct is not marked Sendable.
  var storage = sockaddr_storage()
  var length: socklen_t = 0
  var family: Int32 { Int32(storage.ss_family) }

  /// The addresses of `host` and `port`. With `numericOnly` the host must be an address literal
  /// and nothing is looked up (getaddrinfo then never blocks); otherwise a name may be resolved,
  /// which can take as long as the system's resolver takes.
  static func resolve(host: String, port: Int, numericOnly: Bool) -> [SocketAddress] {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : AI_ADDRCONFIG)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, String(port), &hints, &list) == 0 else { return [] }
    defer { freeaddrinfo(list) }
    var addresses: [SocketAddress] = []
    var node = list
    while let entry = node?.pointee {
      if let source = entry.ai_addr, Int(entry.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size {
        var address = SocketAddress()
        withUnsafeMutableBytes(of: &address.storage) { target in
          target.copyMemory(from: UnsafeRawBufferPointer(start: source, count: Int(entry.ai_addrlen)))
        }
        address.length = entry.ai_addrlen
        addresses.append(address)
      }
      node = entry.ai_next
    }
    return addresses
  }
}
