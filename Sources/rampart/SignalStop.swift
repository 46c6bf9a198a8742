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

  init(onFirst: @escaping @Sendable (Int32) -> Void) {
    signal(SIGPIPE, SIG_IGN)
    let queue = DispatchQueue(label: "rampart.signals")
    let count = LockedCounter()
    sources = [SIGINT, SIGTERM].map { sig in
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
      source.setEventHandler {
        if count.increment() == 1 {
          onFirst(sig)
        } else {
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
