import Foundation
import TestKit
import TestSupport
import Testing

@testable import TargetWatch

/// Real processes read through /proc: a loop held to 30% of a core by cpulimit, a known
/// allocation, and a parent whose two children allocate and burn; each figure is bounded by
/// the mechanism (the limit, the allocation) and checked against /proc read independently over
/// the same window. Load-making tests queue in `HeavyTest`, hence the long time limit.
@Suite(.timeLimit(.minutes(30)))
struct ProcessFigureTests {
  /// One tick as the test saw it: the sampler's figure and the test's own /proc reading.
  struct Tick: Sendable {
    var time: Double
    var figures: [String: WatchFigure]
    var ticks: UInt64
    var residentBytes: Double
  }

  /// Runs a sampler over `sources` until `count` ticks are in, reading `pids` independently at
  /// each tick.
  static func sample(_ sources: [WatchSourceSpec], pids: [Int32], count: Int) async throws -> [Tick] {
    let ticks = WatchTesting.Collector<Tick>()
    let sampler = try WatchSampler(
      sources: sources,
      onReading: { reading in
        ticks.append(
          Tick(
            time: reading.time, figures: reading.figures,
            ticks: pids.compactMap(WatchTesting.cpuTicks).reduce(0, +),
            residentBytes: pids.compactMap(WatchTesting.residentBytes).reduce(0, +)))
      })
    sampler.start()
    let complete = try await Poll.until(seconds: Double(count) * 3 + 10) { ticks.count >= count }
    await WatchTesting.onOwnThread { sampler.stop() }
    try #require(complete, "only \(ticks.count) ticks in time")
    return ticks.all
  }

  /// The mean of a source's CPU figures over ticks `window`, and the cores /proc says the pids
  /// used over the same window.
  static func cores(_ ticks: [Tick], source: String, window: ClosedRange<Int>) throws -> (
    read: Double, proc: Double
  ) {
    let figures = try window.map {
      try #require(ticks[$0].figures[source]?.cpuCores, "tick \($0) has no CPU")
    }
    let before = ticks[window.lowerBound - 1]
    let after = ticks[window.upperBound]
    let used = Double(after.ticks - before.ticks) / WatchTesting.ticksPerSecond
    return (figures.reduce(0, +) / Double(figures.count), used / (after.time - before.time))
  }

  static let busyLoop = """
    import time
    end = time.monotonic() + 40
    while time.monotonic() < end:
        pass
    """

  static var hasCpulimit: Bool {
    ["/usr/bin/cpulimit", "/usr/local/bin/cpulimit"].contains {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  @Test(
    "a loop held to 30% by cpulimit reads 0.30 cores, never more than 0.40",
    .enabled(if: ProcessFigureTests.hasCpulimit, "cpulimit is not installed (apt-get install cpulimit)"))
  func cpulimitedLoop() async throws {
    try await HeavyTest.run {
      let loop = try WatchTesting.python(Self.busyLoop)
      defer { loop.kill() }
      let limiter = try WatchTesting.start([
        "timeout", "45", "cpulimit", "-z", "-q", "-l", "30", "-p", "\(loop.pid)",
      ])
      defer { limiter.kill() }
      let name = "pid \(loop.pid)"
      let ticks = try await Self.sample([.pid(loop.pid)], pids: [loop.pid], count: 8)
      // Tick 0 has no rate and tick 1 spans cpulimit's start; 2...7 are five seconds held.
      let (read, proc) = try Self.cores(ticks, source: name, window: 3...7)
      print("cpulimit 30%: read \(read) cores, /proc \(proc) cores over the same window")
      // The same ticks, read a few milliseconds apart at each end of a 5 s window: a tick or two.
      #expect(abs(read - proc) < 0.02)
      #expect(read <= 0.40)
      // The loop gets its limit unless the machine cannot give it that much; the figure read must
      // then follow what it got.
      #expect(read >= min(0.20, proc - 0.05))
    }
  }

  @Test("RSS: 200 MiB allocated and touched adds 200 MiB to the interpreter's base")
  func residentMemory() async throws {
    let directory = try TemporaryDirectory("watch-rss")
    defer { directory.remove() }
    let program = """
      import os, sys, time
      d = sys.argv[1]
      end = time.monotonic() + 60
      open(os.path.join(d, 'started'), 'w').close()
      while not os.path.exists(os.path.join(d, 'go')) and time.monotonic() < end:
          time.sleep(0.02)
      block = b'\\x01' * (200 << 20)
      open(os.path.join(d, 'allocated'), 'w').close()
      while time.monotonic() < end:
          time.sleep(0.1)
      """
    let python = try WatchTesting.python(program, directory.path)
    defer { python.kill() }
    func exists(_ name: String) -> Bool {
      FileManager.default.fileExists(atPath: directory.appending(name).path)
    }
    #expect(try await Poll.until(seconds: 30) { exists("started") })
    var reader = try ProcessTreeReader.forPID(python.pid, in: ProcessTable.read(), own: getpid())
    let base = try #require(reader.read(ProcessTable.read(), now: 1).figure?.rssBytes)
    _ = FileManager.default.createFile(atPath: directory.appending("go").path, contents: nil)
    #expect(try await Poll.until(seconds: 30) { exists("allocated") })
    let after = try #require(reader.read(ProcessTable.read(), now: 2).figure?.rssBytes)
    let mib = 1024.0 * 1024.0
    print("RSS: base \(base / mib) MiB, after 200 MiB \(after / mib) MiB")
    #expect(abs((after - base) - 200 * mib) < 0.03 * 200 * mib)
    #expect(abs(after - (WatchTesting.residentBytes(python.pid) ?? 0)) < 0.01 * after)
  }

  @Test("a parent's figure sums its two children's memory and CPU; a pattern counts the tree once")
  func childrenSummed() async throws {
    let directory = try TemporaryDirectory("watch-tree")
    defer { directory.remove() }
    let marker = "rampart-watch-tree-\(UUID().uuidString)"
    // Each child: 100 MiB touched, then 20 ms of work in every 100 ms (about 0.2 cores).
    let program = """
      import os, subprocess, sys, time
      d, marker = sys.argv[1], sys.argv[2]
      child = '''
      import os, sys, time
      block = b'\\\\x01' * (100 << 20)
      open(os.path.join(sys.argv[1], 'ready-%d' % os.getpid()), 'w').close()
      end = time.monotonic() + 40
      while time.monotonic() < end:
          t = time.monotonic() + 0.02
          while time.monotonic() < t:
              pass
          time.sleep(0.08)
      '''
      kids = [subprocess.Popen([sys.executable, '-c', child, d, marker]) for _ in range(2)]
      end = time.monotonic() + 45
      while time.monotonic() < end:
          time.sleep(0.1)
      """
    try await HeavyTest.run {
      let parent = try WatchTesting.python(program, directory.path, marker)
      defer { parent.kill() }
      func children() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { $0.hasPrefix("ready-") ? Int32($0.dropFirst(6)) : nil }
      }
      defer { for pid in children() { kill(pid, SIGKILL) } }
      #expect(try await Poll.until(seconds: 30) { children().count == 2 })
      let kids = children()
      // The children's command lines hold the marker too; they are below the parent, not roots.
      #expect(ProcessTable.read().roots(matching: marker, own: getpid()) == [parent.pid])

      let name = "pid \(parent.pid)"
      let ticks = try await Self.sample(
        [.pid(parent.pid), .process(pattern: marker)], pids: [parent.pid] + kids, count: 6)
      let (read, proc) = try Self.cores(ticks, source: name, window: 1...5)
      let (pattern, _) = try Self.cores(ticks, source: marker, window: 1...5)
      let childTicks = kids.compactMap(WatchTesting.cpuTicks).reduce(0, +)
      let rss = try #require(ticks.last?.figures[name]?.rssBytes)
      let mib = 1024.0 * 1024.0
      print(
        "tree of 1 + 2 children: read \(read) cores (/proc \(proc)), RSS \(rss / mib) MiB, pattern \(pattern) cores"
      )
      // /proc counts the parent and both children; a tree without them would be off by what the
      // children used (their share shrinks on a saturated machine, but stays well above a tick or
      // two; memory below shows them whatever the load).
      #expect(abs(read - proc) < 0.02)
      #expect(abs(pattern - read) < 0.01)
      #expect(childTicks > 0)
      #expect(rss >= 200 * mib)
      #expect(abs(rss - (ticks.last?.residentBytes ?? 0)) < 0.02 * rss)
      #expect(ticks.last?.figures[marker]?.rssBytes == rss)
    }
  }
}
