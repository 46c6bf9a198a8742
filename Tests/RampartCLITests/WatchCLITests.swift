import Foundation
import TestKit
import TestSupport
import Testing

/// `--watch-pid` end to end (issue 22): a process burning a core is watched beside the load; the
/// rows carry its figures, the summary its peak and mean, the plain summary a line for it.
@Suite("rampart run --watch-*", .timeLimit(.minutes(5)))
struct WatchCLITests {
  @Test func aWatchedProcessIsInTheRowsAndTheSummary() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      // A busy loop with its own 60 s deadline, ended by its PID below.
      let busy = Process()
      busy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      busy.arguments = [
        "python3", "-c", "import time\nend = time.time() + 60\nwhile time.time() < end: pass",
      ]
      try busy.run()
      defer {
        kill(busy.processIdentifier, SIGKILL)
        busy.waitUntilExit()
      }
      let pid = busy.processIdentifier
      let p = try RampartProcess([
        "run", "http://127.0.0.1:\(server.port)/", "--vusers", "2", "--duration", "4s", "--no-tui", "--json",
        "--watch-pid", "\(pid)",
      ])
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 60)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      let summary = try #require(
        try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any], "stdout: \(p.stdout)")
      let watched = try #require(
        (summary["watch"] as? [String: [String: Double]])?["pid \(pid)"], "\(summary)")
      // A loop that never sleeps: as much CPU as the machine gives it, some of a core at least.
      let peak = try #require(watched["cpu_cores_peak"])
      #expect(peak > 0.05 && peak <= Double(ProcessInfo.processInfo.activeProcessorCount) + 0.1, "\(watched)")
      #expect((watched["rss_bytes_peak"] ?? 0) > 1_000_000)
      #expect((watched["seconds"] ?? 0) >= 2)
      // Every row from the first reading on names the source.
      let dir = try #require(p.runDirectories.first)
      let rows = try String(contentsOfFile: dir + "/series.jsonl", encoding: .utf8).split(separator: "\n")
      let withFigures = rows.filter { $0.contains("\"pid \(pid)\":{") }
      #expect(withFigures.count >= 2, "\(rows)")
      #expect(rows.allSatisfy { $0.contains("\"watch\":") })
    }
  }

  @Test func aPatternThatMatchesNothingYetRunsWithWatchWait() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let (status, stdout, stderr) = try await RampartProcess.run(
        [
          "run", "http://127.0.0.1:\(server.port)/", "--vusers", "1", "--duration", "2s", "--no-tui",
          "--watch-process", "rampart-no-such-server-xyz", "--watch-wait",
        ], timeout: 60)
      await server.shutdown()
      #expect(status == 0, "stderr: \(stderr)")
      // Never read: the summary says so instead of inventing zeros.
      #expect(stdout.contains("  watch          rampart-no-such-server-xyz  "), "\(stdout)")
    }
  }

  /// A plan file's `[watch]` is watched as the flags are: checked before anything is sent, and
  /// `wait = true` lets a pattern wait for its process.
  @Test func aPlanFilesWatchTable() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let dir = try TemporaryDirectory()
      defer { dir.remove() }
      func plan(wait: Bool) throws -> String {
        let path = dir.path + "/plan-\(wait).toml"
        try """
        target = "http://127.0.0.1:\(server.port)/"
        duration = "2s"
        [ramp]
        vusers = 1
        [watch]
        processes = ["rampart-no-such-server-xyz"]
        wait = \(wait)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
      }
      let (refused, _, refusal) = try await RampartProcess.run(["run", try plan(wait: false), "--no-tui"])
      #expect(refused == 2, "stderr: \(refusal)")
      #expect(
        refusal.contains("rampart-no-such-server-xyz") && refusal.contains("--watch-wait"), "\(refusal)")
      #expect(server.requestCount == 0)
      let (waited, stdout, stderr) = try await RampartProcess.run(["run", try plan(wait: true), "--no-tui"])
      await server.shutdown()
      #expect(waited == 0, "stderr: \(stderr)")
      #expect(stdout.contains("  watch          rampart-no-such-server-xyz  "), "\(stdout)")
    }
  }
}
