import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The calling thread's CPU time: what a "does not hang, is not quadratic" bound measures. Wall
/// time also counts the moments a busy machine keeps the thread off the CPU (a parse that takes
/// 2 s of CPU can take 10 s of wall clock beside other suites and a release build); the work
/// itself is in the CPU time. For synchronous work only: an `await` may move to another thread.
public enum ThreadCPU {
  public static func now() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
  }

  /// The CPU time `body` took on this thread.
  public static func measure(_ body: () throws -> Void) rethrows -> Duration {
    let start = now()
    try body()
    return now() - start
  }
}
