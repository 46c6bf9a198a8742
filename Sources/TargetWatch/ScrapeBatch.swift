#if canImport(Glibc)
  import Glibc
#endif

/// Drives the scrapes of one tick together in one poll(2) loop, so two slow endpoints cost one
/// timeout, not two. It returns when every scrape is finished, when the deadline passes (what is
/// left times out), or when the wake descriptor becomes readable (the sampler is stopping).
///
/// Written on poll(2) rather than SwiftNIO for the module rule (NIO stays in the load engine and
/// the demo target), as the control server is; one GET a second needs nothing more.
enum ScrapeBatch {
  /// Runs `scrapes` until done. `timeoutText` is the lost event's reason for one that timed out.
  static func run(
    _ scrapes: [HTTPScrape], deadline: ContinuousClock.Instant, wake: Int32?, timeoutText: String
  ) {
    while true {
      let open = scrapes.filter { $0.outcome == nil }
      guard !open.isEmpty else { return }
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else {
        for scrape in open { scrape.abandon(timeoutText) }
        return
      }
      var fds = open.map { pollfd(fd: $0.fd, events: $0.events, revents: 0) }
      if let wake { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
      let ready = poll(&fds, nfds_t(fds.count), milliseconds(remaining))
      if ready < 0 && errno != EINTR {
        for scrape in open { scrape.abandon("poll failed: \(HTTPScrape.text(errno))") }
        return
      }
      if wake != nil, fds[fds.count - 1].revents != 0 {
        for scrape in open { scrape.abandon("the sampler stopped") }
        return
      }
      for (scrape, polled) in zip(open, fds) where polled.revents != 0 {
        scrape.handle(revents: polled.revents)
      }
    }
  }

  /// A duration as poll's timeout, rounded up so a wait never ends just short of the deadline.
  static func milliseconds(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: max(0, total))
  }
}

/// A pipe whose read end a poll loop watches: writing a byte (or closing) wakes the loop at once.
/// The sampler's thread sleeps between ticks and waits for scrapes on it, so `stop()` need not
/// wait out either.
final class WakePipe: Sendable {
  let readEnd: Int32
  private let writeEnd: Int32

  /// Without a pipe (no descriptor left), both ends are -1, which poll ignores: waits then end
  /// only at their deadlines.
  init() {
    var ends: [Int32] = [-1, -1]
    if pipe(&ends) != 0 { ends = [-1, -1] }
    for end in ends where end >= 0 {
      // Glibc's module does not export pipe2: the same flags, set one by one.
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
    }
    readEnd = ends[0]
    writeEnd = ends[1]
  }

  /// Makes the read end readable for good (the byte is never drained): every later wait ends at
  /// once.
  func wake() {
    guard writeEnd >= 0 else { return }
    var byte: UInt8 = 1
    _ = Glibc.write(writeEnd, &byte, 1)
  }

  /// Sleeps until `deadline` or a wake, whichever is first; whether woken.
  func sleep(until deadline: ContinuousClock.Instant) -> Bool {
    while true {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else { return false }
      var fds = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
      let ready = poll(&fds, 1, ScrapeBatch.milliseconds(remaining))
      if ready > 0 { return true }
      if ready < 0 && errno != EINTR { return false }
    }
  }

  deinit {
    if readEnd >= 0 { Glibc.close(readEnd) }
    if writeEnd >= 0 { Glibc.close(writeEnd) }
  }
}
