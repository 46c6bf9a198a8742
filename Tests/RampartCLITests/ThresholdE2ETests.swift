import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

/// `--threshold` as a user runs it: a live abort, a passing run, a run failing at its end, a bad
/// expression, and Ctrl-C keeping its own exit code.
@Suite("rampart run --threshold", .timeLimit(.minutes(30)))
struct ThresholdE2ETests {
  /// The summary JSON printed with --json.
  static func summary(_ stdout: String) throws -> RunSummary {
    // The configuration rampart writes with: dates keep their fractional seconds.
    try RampartJSON.decoder().decode(RunSummary.self, from: Data(stdout.utf8))
  }

  @Test("--abort-on-fail stops a run whose errors pass 1% within 2 s of the abort delay: exit 99")
  func abortsOnAFailingThreshold() async throws {
    try await HeavyTest.run {
      // Half the answers are 404/500/503: errors stay near 75% of completed requests.
      let server = try Faultd("status_mix")
      defer { server.stop() }
      let started = Date()
      let p = try RampartProcess([
        "run", server.url, "--vusers", "2", "--duration", "20s", "--threshold", "errors<1%",
        "--threshold", "p99 < 5s", "--abort-on-fail", "--abort-delay", "2s", "--grace", "1s", "--no-tui",
        "--json",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      let wall = Date().timeIntervalSince(started)
      #expect(status == 99, "stderr: \(p.stderr)")
      let summary = try Self.summary(p.stdout)
      #expect(summary.outcome == .abortedByThreshold)
      #expect(summary.thresholdsOk == false)
      #expect(summary.thresholds?.map(\.expr) == ["errors<1%", "p99<5s"])
      #expect(summary.thresholds?.map(\.ok) == [false, true])
      #expect(summary.thresholds?.first?.metric == "error_rate")
      #expect((summary.thresholds?.first?.observed ?? 0) > 0.2)
      // Not before the delay, and at the first check after it: the stop follows the progress
      // line of the second that reached 2 s (the check runs once a second, as each closes), read
      // from the run's own output rather than from its duration, which a busy machine stretches.
      #expect(summary.durationS >= 2, "duration \(summary.durationS)")
      let lines = p.stderr.split(separator: "\n").map(String.init)
      let stopping = try #require(
        lines.firstIndex { $0.contains("rampart: threshold 'errors<1%' failed") }, "stderr: \(p.stderr)")
      let seconds = lines[..<stopping].compactMap { $0.firstMatch(of: #/^ *(\d+)s  /#).flatMap { Int($0.1) } }
      #expect(seconds.last == 2, "the stop came after the seconds \(seconds): \(lines)")
      // Answers come at once: the run ended within its 1 s grace of the engine taking the stop.
      let run = try RunLoader.load(try #require(p.runDirectories.first))
      let stopAt = try #require(run.events.first { $0.kind == .stop }?.elapsed)
      #expect(summary.durationS - stopAt < 1, "stopped at \(stopAt) s, ended at \(summary.durationS) s")
      // A run the threshold did not stop would last its 20 s plan.
      #expect(wall < 20, "took \(wall) s")
      #expect(run.outcome == .abortedByThreshold)
      let events = run.events.filter { $0.kind == .threshold }
      #expect(events.map(\.label) == ["errors<1%"])
      #expect((events.first?.value ?? 0) > 0.2)
      #expect(run.summary?.thresholds == summary.thresholds)
    }
  }

  @Test("a run whose thresholds pass exits 0 with thresholds_ok true")
  func passingRun() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let (status, stdout, stderr) = try await RampartProcess.run(
        [
          "run", server.url, "--vusers", "2", "--duration", "2s", "--threshold", "errors<1%", "--threshold",
          "p99<1s", "--threshold", "tps>1", "--threshold", "errors.timeout<1", "--abort-on-fail", "--no-tui",
          "--json",
        ], timeout: 30)
      await server.shutdown()
      #expect(status == 0, "stderr: \(stderr)")
      let summary = try Self.summary(stdout)
      #expect(summary.outcome == .complete)
      #expect(summary.thresholdsOk == true)
      #expect(summary.thresholds?.count == 4)
      #expect(summary.thresholds?.allSatisfy(\.ok) == true)
      let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
      let first = try #require((object["thresholds"] as? [[String: Any]])?.first)
      #expect(Set(first.keys) == ["expr", "metric", "ok", "observed"])
    }
  }

  @Test("without --abort-on-fail a failing threshold lets the run end, then exits 99")
  func failingAtTheEnd() async throws {
    try await HeavyTest.run {
      // Every answer waits 20 ms: p95 < 5 ms cannot hold.
      let server = try await TestHTTPServer(delay: 0.02)
      let p = try RampartProcess([
        "run", server.url, "--vusers", "2", "--duration", "3s", "--threshold", "p95<5ms", "--threshold",
        "errors<1%", "--no-tui",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 30)
      await server.shutdown()
      #expect(status == 99, "stderr: \(p.stderr)")
      #expect(p.stdout.contains("rampart summary: complete"))
      #expect(p.stdout.contains("  thresholds     1 of 2 failed"), "stdout: \(p.stdout)")
      #expect(p.stdout.contains("    FAIL  p95<5ms    observed "), "stdout: \(p.stdout)")
      #expect(p.stdout.contains("    ok    errors<1%  observed 0.00%"), "stdout: \(p.stdout)")
      #expect(p.stdout.contains("threshold failing: p95<5ms"), "the live check reports it")
      let dir = try #require(p.runDirectories.first)
      let run = try RunLoader.load(dir)
      let summary = try #require(run.summary)
      #expect(summary.outcome == .complete)
      #expect(summary.durationS >= 2.9)
      #expect(summary.thresholdsOk == false)
      #expect((summary.thresholds?.first?.observed ?? 0) >= 19)
      #expect(run.events.filter { $0.kind == .threshold }.map(\.label) == ["p95<5ms"])
    }
  }

  @Test(
    "a bad expression: exit 2, one line, no run directory, nothing sent",
    arguments: [
      ("p95<fast", "rampart: error: --threshold 'p95<fast': expected a number after '<'"),
      ("errors.teapot<1", "rampart: error: --threshold 'errors.teapot<1': unknown error kind 'teapot'"),
      ("log_errors<1", "rampart: error: --threshold 'log_errors<1' needs a log source"),
    ])
  func badExpression(expression: String, message: String) async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess([
        "run", server.url, "--duration", "1s", "--threshold", "p95<300ms", "--threshold", expression,
        "--no-tui",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 20)
      await server.shutdown()
      #expect(status == 2)
      #expect(p.stderr.split(separator: "\n").count == 1, "stderr: \(p.stderr)")
      #expect(p.stderr.hasPrefix(message), "stderr: \(p.stderr)")
      #expect(p.stdout.isEmpty)
      #expect(p.runDirectories.isEmpty)
      #expect(server.requestCount == 0)
    }
  }

  @Test("Ctrl-C during a run with a failing threshold keeps exit code 130")
  func interruptedKeeps130() async throws {
    try await HeavyTest.run {
      let server = try Faultd("status_mix")
      defer { server.stop() }
      let p = try RampartProcess([
        "run", server.url, "--vusers", "2", "--duration", "20s", "--threshold", "errors<1%", "--grace", "1s",
        "--no-tui", "--json",
      ])
      defer { p.cleanUp() }
      // Two seconds on disk: the run is under way with its signal handlers, and its thresholds
      // have been checked (a fixed sleep is outlasted by a slow start on a busy machine).
      #expect(try await Poll.until(seconds: 30) { p.seriesRows >= 2 }, "stderr: \(p.stderr)")
      p.signal(SIGINT)
      let status = await p.wait(seconds: 15)
      #expect(status == 130, "stderr: \(p.stderr)")
      let summary = try Self.summary(p.stdout)
      #expect(summary.outcome == .abortedByUser)
      #expect(summary.thresholdsOk == false)
    }
  }
}
