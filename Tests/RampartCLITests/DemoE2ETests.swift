import Foundation
import TestKit
import TestSupport
import Testing

/// `rampart demo` as the README's first command runs it, in a terminal: the dashboard appears,
/// the (short) run ends by itself, and the summary names the known capacity and the measured peak.
@Suite("rampart demo end to end in tmux", .timeLimit(.minutes(30)))
struct DemoE2ETests {
  @Test(
    "short demo: dashboard, end by itself, capacity and peak in the summary",
    .enabled(if: TmuxServer.isInstalled, "tmux is not installed (CI installs it)"))
  func shortDemoInTmux() async throws {
    try await HeavyTest.run { try await Self.drive() }
  }

  static func drive() async throws {
    let temporary = try TemporaryDirectory("rampart-demo")
    defer { temporary.remove() }
    let directory = temporary.url
    let exitFile = directory.appendingPathComponent("exit-code").path
    let tmux = TmuxServer()
    defer { tmux.kill() }
    try tmux.startShell(in: directory)
    let command =
      "'\(RampartProcess.binary.path)' demo --short --exit-on-end; echo $? > '\(exitFile)'"
    try tmux.type(command)

    // Waits return as soon as the screen or the file is there; a busy machine can take seconds
    // to start the demo, and its 20 s plan can end late.
    var screen = ""
    _ = try await Poll.until(seconds: 60) {
      screen = try tmux.run(["capture-pane", "-p", "-t", "ui"]).output
      return screen.contains("▶ RUNNING") && screen.contains("── TPS ")
    }
    #expect(screen.contains("▶ RUNNING"), "no dashboard:\n\(screen)")
    #expect(screen.contains("ramp 1 -> 45 step 1/400ms"), "plan missing:\n\(screen)")
    #expect(screen.contains("log rampart-runs/demo-target.log"), "the target's log is not named:\n\(screen)")

    // 20 s of plan, a second of grace, then the summary: no key is pressed.
    _ = try await Poll.until(seconds: 120, every: 0.2) { FileManager.default.fileExists(atPath: exitFile) }
    let history = try tmux.run(["capture-pane", "-p", "-S", "-200", "-t", "ui"]).output
    let code = try? String(contentsOfFile: exitFile, encoding: .utf8)
    #expect(code?.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(history)")
    #expect(history.contains("rampart summary: complete"), "\(history)")
    #expect(history.contains("demo: known capacity   200 req/s = 1 backend x 4 workers / 20ms"), "\(history)")
    let peak = history.firstMatch(of: /measured peak +(\d+) ok responses\/s/).flatMap { Double($0.1) }
    #expect(peak.map { $0 >= 180 && $0 <= 215 } == true, "peak \(String(describing: peak)):\n\(history)")
    let log = try String(
      contentsOf: directory.appendingPathComponent("rampart-runs/demo-target.log"), encoding: .utf8)
    #expect(log.contains("uvicorn.access"))
  }
}
