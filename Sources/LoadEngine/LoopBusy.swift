import Glibc

/// Whether an event loop's own thread was busy nearly all of a window: then the client's CPU, not
/// the target, is what stops more vusers from adding completions, and arrivals that a held pool
/// keeps waiting count as client-limited (`ArrivalTally.waitedForVuser`), not as held back.
/// Why a CPU clock: a loop short of CPU still fires its arrival timers on time (they are cheap),
/// so lateness alone does not show it.
struct LoopBusy {
  /// Busy from this share of the window's wall time on.
  static let saturatedShare = 0.9

  private var cpuAtStart: UInt64
  private var wallAtStart: UInt64
  private(set) var saturated = false

  init(now: UInt64) {
    cpuAtStart = Self.threadCPUNanos()
    wallAtStart = now
  }

  /// Judges the window that ended at `now` (call on the loop's thread, once per `PoolGrowth` window).
  mutating func close(now: UInt64) {
    let cpu = Self.threadCPUNanos()
    saturated = Self.isSaturated(cpuNanos: cpu &- cpuAtStart, wallNanos: now &- wallAtStart)
    cpuAtStart = cpu
    wallAtStart = now
  }

  static func isSaturated(cpuNanos: UInt64, wallNanos: UInt64) -> Bool {
    wallNanos > 0 && Double(cpuNanos) >= saturatedShare * Double(wallNanos)
  }

  static func threadCPUNanos() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
  }
}
