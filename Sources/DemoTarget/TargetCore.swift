import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// What every connection shares: the backends, the log, counters, and the round-robin front.
final class TargetCore: Sendable {
  let config: TargetConfig
  let backends: [Backend]
  let log: TargetLog
  let counters = TargetCounters()
  /// Threads that burn CPU for `--cpu` (one per worker slot, so burning never blocks a loop).
  let burnPool: NIOThreadPool?
  private let nextBackend = Atomic<Int>(0)
  private let started = ContinuousClock.now

  init(config: TargetConfig, log: TargetLog) {
    self.config = config
    self.log = log
    let clock: @Sendable () -> Double = { [started] in
      let d = ContinuousClock.now - started
      return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    backends = (0..<config.backends).map {
      Backend(index: $0, workers: config.workers, queueLimit: config.queue, log: log, clock: clock)
    }
    if config.burnCPU {
      let pool = NIOThreadPool(numberOfThreads: config.backends * config.workers)
      pool.start()
      burnPool = pool
    } else {
      burnPool = nil
    }
  }

  /// nginx-style round robin over the backends.
  func pickBackend() -> Backend {
    backends[(nextBackend.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max) % backends.count]
  }

  /// This request's service time: the configured one (or the `/work?ms=` one) with jitter.
  func serviceTime(requested: Double?) -> Double {
    let base = requested ?? config.service
    guard config.jitter > 0 else { return base }
    return max(0, base + Double.random(in: -config.jitter...config.jitter))
  }
}

/// The target's own counts, for tests and the demo's closing lines.
public final class TargetCounters: Sendable {
  let served = Atomic<Int>(0)
  let refused = Atomic<Int>(0)
  let clientGone = Atomic<Int>(0)

  /// Responses written after a worker finished (any status).
  public var responses: Int { served.load(ordering: .relaxed) }
  /// Requests turned away because a backend's queue was full.
  public var overloaded: Int { refused.load(ordering: .relaxed) }
  /// Requests whose client had gone when the response was due (each logged with a traceback).
  public var brokenPipes: Int { clientGone.load(ordering: .relaxed) }
}

/// Busy-waits `seconds` on the calling thread: `--cpu` models a CPU-bound handler.
func burnCPU(seconds: Double) {
  let end = ContinuousClock.now + .nanoseconds(Int64(seconds * 1e9))
  var x: UInt64 = 0x9E37_79B9_7F4A_7C15
  while ContinuousClock.now < end {
    for _ in 0..<256 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
  }
  if x == 42 { print("") }
}
