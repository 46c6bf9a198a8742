import CThreadAffinity
import NIOCore

/// Binds each event loop thread to a CPU of its own when there is exactly one loop per CPU the
/// process may use. On 2 cores shared with a loopback target, floating loops migrated about 140
/// times a second and ran beside each other on one core while the target waited; pinned loops
/// measured about 10% more requests per second beside wrk (a bare NIO client: 75.7k vs 67.4k
/// median). With fewer loops than CPUs nothing is pinned: which CPUs to leave free is the
/// scheduler's call, not ours.
enum LoopPinning {
  /// The CPUs this process may run on (cpuset, taskset), or nil where the platform cannot say.
  static var allowedCPUs: [Int]? {
    var cpus = [Int32](repeating: 0, count: 4096)
    let count = rampart_allowed_cpus(&cpus, Int32(cpus.count))
    guard count > 0 else { return nil }
    return cpus[0..<Int(count)].map(Int.init)
  }

  /// One CPU per loop, or nil when the loops should float.
  static func plan(loops: Int, allowed: [Int]?) -> [Int]? {
    guard let allowed, loops > 0, loops == allowed.count else { return nil }
    return allowed
  }

  /// Pins each loop's thread to its CPU, first thing on that loop. Pinning only helps speed, so a
  /// refusal (a container that forbids it) leaves the thread floating.
  static func pin(_ loops: [any EventLoop], to cpus: [Int]) {
    for (loop, cpu) in zip(loops, cpus) {
      loop.execute { _ = rampart_pin_current_thread(Int32(cpu)) }
    }
  }
}
