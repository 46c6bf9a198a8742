import Foundation
import Synchronization
import TestKit

#if canImport(Glibc)
  import Glibc
#endif

/// Helpers the watch tests share: child processes ended by their PID, blocking work moved off the
/// cooperative pool, and a /proc reader of the tests' own to measure against.
enum WatchTesting {
  /// Runs `body` on a thread of its own and awaits it, so a blocking call (a sampler's `stop()`,
  /// a scrape with a timeout) never holds one of the cooperative threads.
  static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread { continuation.resume(returning: body()) }.start()
    }
  }

  /// A child process started from `arguments` through `env` (so `python3` is found on PATH);
  /// its output is discarded.
  static func start(_ arguments: [String]) throws -> ChildProcess {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return ChildProcess(process: process)
  }

  /// A Python program run with `python3 -c`, its arguments after it.
  static func python(_ program: String, _ arguments: String...) throws -> ChildProcess {
    try start(["python3", "-c", program] + arguments)
  }

  /// utime + stime of `pid` in clock ticks, read here without the module's parser.
  static func cpuTicks(_ pid: Int32) -> UInt64? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else {
      return nil
    }
    return user + system
  }

  /// The resident bytes of `pid` from `/proc/PID/statm`.
  static func residentBytes(_ pid: Int32) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
  }

  static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

  /// Seconds on the monotonic clock, for windows the tests measure themselves.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// A collector the sampler's callbacks append to from its thread.
  final class Collector<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
  }
}

/// A process a test started: ended by its PID and reaped, in the test's `defer`. Every program
/// a test starts also ends by itself (a deadline in its code, or `timeout`).
final class ChildProcess: @unchecked Sendable {
  let process: Process
  var pid: Int32 { process.processIdentifier }

  init(process: Process) { self.process = process }

  /// SIGKILL. `timeout` leads a process group of its own with the program it runs, and is ended
  /// with its group: a SIGTERM would stay pending (it waits with the signal mask it inherited,
  /// and the test pool's threads that start it block nearly every signal), and a SIGKILL to it
  /// alone would leave the program running without its deadline.
  func kill() {
    guard process.isRunning else { return }
    Glibc.kill(getpgid(pid) == pid ? -pid : pid, SIGKILL)
    _ = Poll.until(seconds: 5, every: 0.01) { !process.isRunning }
  }
}
