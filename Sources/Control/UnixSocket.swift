#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The socket calls both ends of the control socket share: the address of a path, a
/// non-blocking stream socket, and sends that never raise SIGPIPE.
enum UnixSocket {
  /// `sun_path` holds this many bytes, the terminating zero included.
  static var pathCapacity: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) }

  /// The address of `path`, or nil when it is empty or does not fit `sun_path`.
  static func address(_ path: String) -> sockaddr_un? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard !bytes.isEmpty, bytes.count < pathCapacity else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return address
  }

  /// A new non-blocking, close-on-exec stream socket, or -1 (errno set).
  static func makeNonBlocking() -> Int32 {
    socket(
      AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
  }

  /// `accept4(listener, nil, nil, SOCK_NONBLOCK | SOCK_CLOEXEC)`, looked up at run time (a GNU
  /// extension the Glibc module does not export): a log command spawned at the same moment must
  /// not inherit a client's socket. `accept` then `setNonBlocking` where it is missing.
  static func acceptNonBlocking(_ listener: Int32) -> Int32 {
    #if canImport(Glibc)
      typealias Accept4 =
        @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32)
        -> Int32
      if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "accept4") {
        let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return unsafeBitCast(symbol, to: Accept4.self)(listener, nil, nil, flags)
      }
    #endif
    let fd = accept(listener, nil, nil)
    if fd >= 0 { setNonBlocking(fd) }
    return fd
  }

  /// Makes `fd` non-blocking and close-on-exec.
  static func setNonBlocking(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
  }

  /// `connect(2)` to `address`; 0 or -1 with errno set.
  static func connect(_ fd: Int32, to address: sockaddr_un) -> Int32 {
    var address = address
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
  }

  /// `send(2)` without SIGPIPE: a peer that went away is an error to handle, never a signal that
  /// ends the process (`rampart ctl` installs no handler).
  static func send(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
    bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }

  /// Waits up to `milliseconds` for `events` on `fd`; the returned events, or 0 on timeout.
  static func wait(_ fd: Int32, for events: Int32, milliseconds: Int32) -> Int32 {
    var ready = pollfd(fd: fd, events: Int16(events), revents: 0)
    while true {
      let n = poll(&ready, 1, max(0, milliseconds))
      if n < 0 && errno == EINTR { continue }
      return n > 0 ? Int32(ready.revents) : 0
    }
  }
}

extension UnixSocket {
  /// Whole milliseconds in `duration`, rounded up (a wait of 0.4 ms must not become a busy poll);
  /// 0 for a duration already past.
  static func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 0 }
    let perMillisecond: Int64 = 1_000_000_000_000_000
    return Int(clamping: seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond)
  }
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
