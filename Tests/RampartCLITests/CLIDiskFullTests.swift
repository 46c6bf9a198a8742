import Foundation
import Metrics
import RunStore
import TestKit
import TestSupport
import Testing

/// FAULTS DUR-03 with the real binary on a real full disk: a tmpfs of 256 kB in a mount namespace
/// (`TinyDisk`). No time limit: `HeavyTest` queues these behind the other load tests, and every
/// wait in them is bounded.
@Suite("rampart run: a full disk", .timeLimit(.minutes(30)))
struct CLIDiskFullTests {
  @Test("DUR-03 the disk fills mid-run: said within the second, load goes on, journal stays valid")
  func fillsMidRun() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.005)
      let duration = 18.0
      let p = try RampartProcess(
        ["run", server.url, "--vusers", "2", "--duration", "18s", "--no-tui", "--out", TinyDisk.out],
        disk: TinyDisk(fill: .afterFirstRow))
      defer { p.cleanUp() }
      // The line must show while the run goes on, not only in the end.
      var seenWhileRunning = false
      _ = try await Poll.until(seconds: duration + 15, every: 0.05) {
        guard p.process.isRunning else { return true }
        guard p.stdout.contains("journalling stopped") else { return false }
        seenWhileRunning = p.process.isRunning
        return true
      }
      let status = await p.wait(seconds: duration + 15)
      await server.shutdown()
      #expect(status == 0, "stderr: \(p.stderr)")
      #expect(seenWhileRunning, "stdout: \(p.stdout)")

      let dir = try #require(p.runDirectories.first, "stderr: \(p.stderr)")
      // Every line of every journal file parses: a write cut short by the full disk was taken back.
      for file in [RunJournal.seriesFile, RunJournal.eventsFile, RunJournal.logSamplesFile] {
        let data = FileManager.default.contents(atPath: "\(dir)/\(file)") ?? Data()
        #expect(data.isEmpty || data.last == 10, "\(file) ends in a partial line")
        for line in data.split(separator: 10) {
          #expect(
            (try? JSONSerialization.jsonObject(with: Data(line))) != nil, "\(file): \(line.count) bytes")
        }
      }
      let run = try RunLoader.load(dir)
      #expect(run.discardedLines == 0)
      let rows = run.samples.count
      #expect(rows >= 2 && Double(rows) < duration - 2, "\(rows) rows on disk")
      #expect(run.samples.map(\.t) == Array(0..<rows))

      // The line: when, why, and that the load goes on; right after the line of the second it lost
      // (row `rows`, closed at rows + 1 s), before the next one.
      let lines = p.stdout.split(separator: "\n").map(String.init)
      let stopped = try #require(lines.firstIndex { $0.contains("journalling stopped") })
      #expect(lines[stopped].contains("(disk full)"))
      #expect(lines[stopped].contains("No space left on device"))
      #expect(lines[stopped].contains("the load goes on"))
      func second(_ line: String?) -> String? {
        line?.split(separator: " ").first.map(String.init)
      }
      #expect(stopped > 0 && second(lines[stopped - 1]) == "\(rows + 1)s", "\(lines)")
      #expect(second(lines.dropFirst(stopped + 1).first) == "\(rows + 2)s", "\(lines)")

      // The summary made it through the reserve, covers the whole run and says what happened.
      let summary = try #require(run.summary, "stderr: \(p.stderr)")
      #expect(summary.outcome == .complete)
      let stop = try #require(summary.journalStopped)
      #expect(stop.reason == "disk full")
      // Stopped while writing the second it lost, or after it: when exactly is the order of the
      // lines above (a bound on the clock, rows + 2 s, failed to allow for a busy machine closing
      // two seconds at once).
      #expect(stop.elapsedS >= Double(rows), "stopped at \(stop.elapsedS)")
      // The full disk did not hold the run up: it ended on time by its own clock (the test's wall
      // clock also counts a slow start in the mount namespace).
      #expect(
        summary.durationS >= duration - 0.5 && summary.durationS < duration + 8,
        "duration \(summary.durationS)")
      // The load went on: requests kept succeeding after the last row on disk.
      #expect(summary.ok > run.samples.reduce(0) { $0 + $1.ok } + 100, "ok \(summary.ok)")
      #expect(summary.ok <= server.requestCount && server.requestCount <= summary.scheduled)
      #expect(run.events.last?.kind == .journalStopped)
      #expect(run.journalStop == stop)
      #expect(p.stdout.contains("warning        \(stop.withSummaryText)"))
    }
  }

  @Test("DUR-03 a disk already full at the start: one error line, exit 2, no run directory left")
  func fullAtStart() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let p = try RampartProcess(
        ["run", server.url, "--vusers", "2", "--duration", "3s", "--no-tui", "--out", TinyDisk.out],
        disk: TinyDisk(fill: .beforeStart))
      defer { p.cleanUp() }
      let status = await p.wait(seconds: 20)
      await server.shutdown()
      #expect(status == 2)
      let errors = p.stderr.split(separator: "\n")
      #expect(errors.count == 1, "stderr: \(p.stderr)")
      #expect(
        errors.first?.hasPrefix("rampart: error: cannot create the run directory under 'disk/runs'") == true)
      #expect(errors.first?.hasSuffix("No space left on device") == true)
      // The copy of the disk's runs directory is there, and empty.
      let root = p.directory.appendingPathComponent("rampart-runs").path
      #expect(FileManager.default.fileExists(atPath: root))
      #expect(p.runDirectories.isEmpty, "left behind: \(p.runDirectories)")
      #expect(server.requestCount == 0)
    }
  }
}
