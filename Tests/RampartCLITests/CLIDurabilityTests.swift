import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

/// FAULTS D (durability) and RES-01 with the real binary: signals, SIGKILL, open-file limits.
@Suite("rampart run: stops, kills and limits", .timeLimit(.minutes(30)))
struct CLIDurabilityTests {
  static func startRun(_ server: TestHTTPServer, extra: [String] = [], fileLimit: Int? = nil) throws
    -> RampartProcess
  {
    try RampartProcess(
      ["run", server.url, "--vusers", "10", "--duration", "60s", "--no-tui", "--grace", "2s"] + extra,
      fileLimit: fileLimit)
  }

  @Test(
    "DUR-01 one SIGINT or SIGTERM: graceful stop, summary aborted_by_user, exit 130",
    arguments: [SIGINT, SIGTERM, SIGINT])
  func gracefulStop(signal: Int32) async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.005)
      let p = try Self.startRun(server)
      defer { p.cleanUp() }
      // A second on disk: the run is under way, its signal handlers in place (a fixed sleep is
      // outlasted by a slow start on a busy machine, and the signal would find none).
      #expect(try await Poll.until(seconds: 30) { p.seriesRows >= 1 }, "stderr: \(p.stderr)")
      p.signal(signal)
      let status = await p.wait(seconds: 10)
      await server.shutdown()
      #expect(status == 130, "stderr: \(p.stderr)")
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      let summary = try #require(run.summary)
      // The answers take 5 ms: the stop ended well within its 2 s grace period, on the run's own
      // clock (the test's wall clock also counts a busy machine's slow exit and slow polling).
      let stopAt = try #require(run.events.first { $0.kind == .stop }?.elapsed)
      #expect(summary.durationS - stopAt < 2, "stopped at \(stopAt) s, ended at \(summary.durationS) s")
      #expect(summary.outcome == .abortedByUser)
      #expect(run.discardedLines == 0)
      #expect(summary.scheduled == summary.ok + summary.errors + summary.inflightAtStop)
      #expect(summary.ok <= server.requestCount && server.requestCount <= summary.scheduled)
      #expect(run.events.contains { $0.kind == .stop })
      #expect(p.stdout.contains("stopped early by the user"))
    }
  }

  @Test("DUR-01 a second SIGINT 0.2 s later exits at once (131) and the journal still parses")
  func doubleInterrupt() async throws {
    try await HeavyTest.run {
      // A target slower than the grace period keeps requests in flight, so the graceful stop
      // waits out all its 20 s whenever the signal lands (with answers due sooner it could end
      // before the second signal on a busy machine).
      let server = try await TestHTTPServer(delay: 60)
      let p = try Self.startRun(server, extra: ["--grace", "20s"])
      defer { p.cleanUp() }
      // Two seconds on disk (a fixed sleep is outlasted by a slow start on a busy machine).
      #expect(try await Poll.until(seconds: 30) { p.seriesRows >= 2 }, "stderr: \(p.stderr)")
      p.signal(SIGINT)
      // The second signal goes once the first was taken (rampart says so), and more than the
      // 50 ms apart within which two deliveries count as one: sent at once, both could be taken
      // together on a busy machine.
      #expect(
        try await Poll.until(seconds: 30) { p.stderr.contains("rampart: stopping") }, "stderr: \(p.stderr)")
      await sleep(seconds: 0.2)
      #expect(p.process.isRunning, "the graceful stop did not wait: stderr \(p.stderr)")
      let second = Date()
      p.signal(SIGINT)
      let status = await p.wait(seconds: 15)
      // At once: well before the 20 s the graceful stop would take.
      #expect(Date().timeIntervalSince(second) < 10)
      await server.shutdown()
      #expect(status == 131, "stderr: \(p.stderr)")
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      #expect(run.outcome == .incomplete)
      #expect(run.discardedLines <= 1)
      #expect(run.samples.count >= 2)
    }
  }

  @Test("DUR-02 SIGKILL mid-run: every second up to the kill is on disk, run loads as incomplete")
  func killedHard() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.002)
      let p = try Self.startRun(server)
      defer { p.cleanUp() }
      // The kill comes once four seconds are on disk (not at a fixed time: a loaded machine can
      // take a while to start the process), 0.3 s into the fifth.
      var rowsBeforeKill = 0
      _ = try await Poll.until(seconds: 20, every: 0.05) {
        rowsBeforeKill = p.seriesRows
        return rowsBeforeKill >= 4
      }
      await sleep(seconds: 0.3)
      rowsBeforeKill = p.seriesRows
      p.signal(SIGKILL)
      _ = await p.wait(seconds: 5)
      await server.shutdown()
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      #expect(run.outcome == .incomplete)
      #expect(run.summary == nil)
      #expect(run.discardedLines <= 1)
      // Every second closed before the kill is on disk.
      #expect(rowsBeforeKill >= 4)
      #expect(run.samples.count >= rowsBeforeKill, "rows \(run.samples.map(\.t))")
      #expect(run.samples.map(\.t) == Array(0..<run.samples.count))
    }
  }

  /// Whole lines in a run directory's series file so far.
  @Test("RES-01 open-file limit of 64 with 200 vusers: warns, classifies emfile, keeps running")
  func fileLimit() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess(
        ["run", server.url, "--vusers", "200", "--duration", "3s", "--no-tui", "--json"], fileLimit: 64)
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      // "the open-file limit (64) caps concurrency at N connections"
      let cap = p.stderr.firstMatch(of: /open-file limit \(64\) caps concurrency at (\d+) connections/)
        .flatMap { Int($0.1) }
      #expect(cap != nil, "stderr: \(p.stderr)")
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      let summary = try #require(run.summary)
      #expect((summary.errorsByKind["emfile"] ?? 0) > 0)
      #expect(summary.ok > 100)
      #expect(summary.scheduled == summary.ok + summary.errors + summary.inflightAtStop)
      // Effective concurrency: the connections held reach the cap the warning names, never more.
      let held = run.samples.map(\.connections).max() ?? 0
      #expect(held >= (cap ?? 0) - 1 && held <= (cap ?? 0), "connections held \(held), cap \(cap ?? 0)")
      #expect(run.events.contains { $0.kind == .fileLimit })
    }
  }

  @Test("DUR-05 (short soak): flat memory and a small journal")
  func shortSoak() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess(["run", server.url, "--vusers", "50", "--duration", "8s", "--no-tui", "-q"])
      defer { p.cleanUp() }
      // Sampled at the run's own seconds, two and seven on disk (fixed sleeps from the process's
      // start would sample a slow start's growth on a busy machine): the last reading taken while
      // it ran, at least four seconds after the first.
      var early = 0
      _ = try await Poll.until(seconds: 30) {
        early = p.seriesRows >= 2 ? p.residentBytes ?? 0 : 0
        return early > 0 || !p.process.isRunning
      }
      let earlyRows = p.seriesRows
      var late = (rows: 0, bytes: 0)
      _ = try await Poll.until(seconds: 30) {
        let rows = p.seriesRows
        if let bytes = p.residentBytes { late = (rows, bytes) }
        return rows >= 7 || !p.process.isRunning
      }
      let status = await p.wait(seconds: 20)
      await server.shutdown()
      #expect(status == 0)
      #expect(late.rows - earlyRows >= 4, "RSS read at rows \(earlyRows) and \(late.rows)")
      #expect(early > 0 && late.bytes - early <= 20 * 1024 * 1024, "RSS \(early) -> \(late.bytes)")
      let dir = try #require(p.runDirectories.first)
      let size = try FileManager.default.attributesOfItem(atPath: "\(dir)/series.jsonl")[.size] as? Int ?? 0
      let run = try RunLoader.load(dir)
      #expect(
        size / max(1, run.samples.count) <= 3 * 1024, "journal \(size) bytes for \(run.samples.count) s")
      let summary = try #require(run.summary)
      #expect(summary.requests == run.samples.reduce(0) { $0 + $1.completed })
      #expect(summary.ok == server.requestCount)
    }
  }
}

func sleep(seconds: Double) async {
  try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
}
