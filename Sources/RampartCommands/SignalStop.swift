import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// First SIGINT/SIGTERM: graceful stop (in-flight requests get the grace period, the summary is
/// written, exit 130). Second: exit at once (131); every journal line already written stays whole.
final class SignalStop {
  private let sources: [any DispatchSourceSignal]

  /// `beforeForcedExit` runs just before a second signal ends the process (the dashboard gives the
  /// terminal back there).
  init(onFirst: @escaping @Sendable (Int32) -> Void, beforeForcedExit: @escaping @Sendable () -> Void = {}) {
    signal(SIGPIPE, SIG_IGN)
    // A parent may hand down a mask with these blocked (spawned from a worker thread); a stop
    // request must always get through.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    let queue = DispatchQueue(label: "rampart.signals")
    let count = LockedCounter()
    let firstAt = Mutex<UInt64>(0)
    sources = [SIGINT, SIGTERM].map { sig in
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
      source.setEventHandler {
        let now = DispatchTime.now().uptimeNanoseconds
        let n = count.increment()
        if n == 1 {
          firstAt.withLock { $0 = now }
          onFirst(sig)
        } else if now - firstAt.withLock({ $0 }) < 50_000_000 {
          // The same signal delivered twice at once (to the process and its group, as `timeout`
          // does) is one request to stop, not two.
          return
        } else {
          beforeForcedExit()
          printError("rampart: second signal, exiting now (journal kept up to the last second)")
          _exit(ExitStatus.forcedExit)
        }
      }
      source.resume()
      return source
    }
  }
}

private final class LockedCounter: Sendable {
  private let value = Mutex(0)
  func increment() -> Int {
    value.withLock {
      $0 += 1
      return $0
    }
  }
}
