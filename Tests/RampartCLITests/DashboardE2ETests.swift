import Foundation
import TestKit
import TestSupport
import Testing

/// The dashboard end to end in a real terminal emulator (tmux), as a user runs it from a shell:
/// it draws, `q` stops the run, the summary follows on the normal screen and the shell gets its
/// terminal back exactly as it was.
@Suite("rampart run: the dashboard end to end in tmux", .timeLimit(.minutes(30)))
struct DashboardE2ETests {
  @Test(
    "header, charts, axes and live numbers show; q prints the summary, exits 130 and restores the terminal",
    .enabled(if: TmuxServer.isInstalled, "tmux is not installed (CI installs it)"))
  func dashboardInTmux() async throws {
    try await HeavyTest.run {
      try await withTestServer { server in try await Self.drive(server) }
    }
  }

  static func drive(_ server: TestHTTPServer) async throws {
    let temporary = try TemporaryDirectory("rampart-tmux")
    defer { temporary.remove() }
    let directory = temporary.url
    let file = { (name: String) in directory.appendingPathComponent(name).path }
    let tmux = TmuxServer()
    defer { tmux.kill() }

    try tmux.startShell(in: directory)
    // The shell records its terminal modes, runs rampart, keeps the exit code, records the modes
    // again; every step writes a file the test waits for.
    let command =
      "stty -g > '\(file("stty-before"))'; '\(RampartProcess.binary.path)' run \(server.url) --vusers 4 "
      + "--duration 30s --out '\(file("runs"))'; echo $? > '\(file("exit-code"))'; "
      + "stty -g > '\(file("stty-after"))'"
    try tmux.type(command)

    // A frame with everything and a non-zero request count: waited for until it shows (a busy
    // machine can take seconds to start the run and draw).
    var screen = ""
    _ = try await Poll.until(seconds: 60) {
      screen = try tmux.run(["capture-pane", "-p", "-t", "ui"]).output
      return Self.isComplete(screen, url: server.url)
    }
    let header = screen.split(separator: "\n").first.map(String.init) ?? ""
    #expect(header.contains("▶ RUNNING"), "header: \(header)\n\(screen)")
    #expect(header.contains("rampart → \(server.url)"), "header: \(header)")
    for title in ["── TPS ", "── Latency ──", "── Errors/s ──", "── Vusers ──"] {
      #expect(screen.contains(title), "no section \(title) in\n\(screen)")
    }
    // Axes: y ticks on the charts, time labels under them.
    #expect(screen.contains("┤"), "no y axis in\n\(screen)")
    #expect(screen.contains("0:00") && screen.contains("0:05"), "no time labels in\n\(screen)")
    let requests = Self.requestCount(screen)
    #expect((requests ?? 0) > 0, "requests shown: \(String(describing: requests))\n\(screen)")
    let alternate = try tmux.run(["display", "-p", "-t", "ui", "#{alternate_on}"]).output
    #expect(
      alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "1",
      "the dashboard is not on the alternate screen")

    try tmux.run(["send-keys", "-t", "ui", "q"])
    // Graceful stop: the grace period is 5 s at most, then the summary (waited for as long as a
    // busy machine may need; it returns as soon as the shell has written the modes).
    _ = try await Poll.until(seconds: 45) {
      !((try? String(contentsOfFile: file("stty-after"), encoding: .utf8)) ?? "").isEmpty
    }
    let history = try tmux.run(["capture-pane", "-p", "-S", "-200", "-t", "ui"]).output
    let exitCode = try? String(contentsOfFile: file("exit-code"), encoding: .utf8)
    #expect(exitCode?.trimmingCharacters(in: .whitespacesAndNewlines) == "130", "after q:\n\(history)")
    #expect(history.contains("rampart summary: stopped early by the user (aborted_by_user)"), "\(history)")
    for label in ["requests", "latency", "status codes   200:", "run dir"] {
      #expect(history.contains(label), "the summary lacks \(label):\n\(history)")
    }
    let before = try String(contentsOfFile: file("stty-before"), encoding: .utf8)
    let after = (try? String(contentsOfFile: file("stty-after"), encoding: .utf8)) ?? ""
    #expect(!before.isEmpty)
    #expect(before == after, "terminal modes changed: \(before) -> \(after)")
    let alternateAfter = try tmux.run(["display", "-p", "-t", "ui", "#{alternate_on}"]).output
    #expect(
      alternateAfter.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "still on the alternate screen")
    #expect(server.requestCount > 0)
  }

  static func isComplete(_ screen: String, url: String) -> Bool {
    let needles = [
      "▶ RUNNING", "rampart → \(url)", "── TPS ", "── Latency ──", "── Errors/s ──", "── Vusers ──", "┤",
      "0:00", "0:05",
    ]
    return needles.allSatisfy(screen.contains) && (requestCount(screen) ?? 0) > 0
  }

  /// The number after "requests" in the stats panel ("requests     2,580").
  static func requestCount(_ screen: String) -> Int? {
    for line in screen.split(separator: "\n") {
      guard let label = line.range(of: "requests") else { continue }
      let digits = line[label.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "," }
      if let value = Int(digits.filter(\.isNumber)) { return value }
    }
    return nil
  }
}
