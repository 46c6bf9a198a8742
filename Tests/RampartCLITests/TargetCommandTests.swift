import Foundation
import TestKit
import TestSupport
import Testing

/// `rampart target` and `rampart demo` as a user runs them.
@Suite("rampart target and demo", .timeLimit(.minutes(30)))
struct TargetCommandTests {
  @Test(
    "bad target flags: exit 2 and one line",
    arguments: [
      (["target", "--backends", "0"], "--backends"),
      (["target", "--service", "fast"], "--service"),
      (["target", "--jitter", "30ms"], "--jitter"),
      (["target", "--overload", "drop"], "--overload"),
      (["target", "--queue", "-1"], "--queue"),
      (["target", "--port", "70000"], "--port"),
      (["demo", "--workers", "0", "--no-tui"], "--workers"),
    ])
  func badFlags(arguments: [String], mentions: String) async throws {
    try await HeavyTest.run {
      let (status, stdout, stderr) = try await RampartProcess.run(arguments, timeout: 20)
      #expect(status == 2)
      let lines = stderr.split(separator: "\n")
      #expect(lines.count == 1, "stderr: \(stderr)")
      #expect(stderr.contains(mentions), "stderr: \(stderr)")
      #expect(stdout.isEmpty)
    }
  }

  @Test("target serves, prints its capacity and stops on SIGTERM")
  func targetServesUntilSignalled() async throws {
    try await HeavyTest.run {
      let process = try RampartProcess(["target", "--port", "0", "--backends", "2", "--log", "target.log"])
      defer { process.cleanUp() }
      // Waited for until it prints its address (a busy machine can take seconds to start it).
      var port: Int?
      _ = try await Poll.until(seconds: 30, every: 0.05) {
        port = process.stdout.firstMatch(of: /127\.0\.0\.1:(\d+)\//).flatMap { Int($0.1) }
        return port != nil || !process.process.isRunning
      }
      let servingPort = try #require(port, "no address in: \(process.stdout)")
      #expect(process.stdout.contains("capacity 400 req/s = 2 backends x 4 workers / 20ms"))
      let health = try RawClient.request(port: servingPort, path: "/health")
      #expect(health.status == 200)
      let root = try RawClient.request(port: servingPort, path: "/")
      #expect(root.body.contains(#""ok":true"#))
      process.signal(SIGTERM)
      #expect(await process.wait(seconds: 10) == 0)
      #expect(process.stdout.contains("stopped after 2 responses"))
      let log = try String(
        contentsOf: process.directory.appendingPathComponent("target.log"), encoding: .utf8)
      #expect(log.contains(#""GET /health HTTP/1.1" 200 OK"#))
    }
  }

  @Test("demo --short headless: the summary shows the known capacity and the measured peak")
  func shortDemoHeadless() async throws {
    try await HeavyTest.run {
      let (status, stdout, stderr) = try await RampartProcess.run(
        ["demo", "--short", "--no-tui"], timeout: 60)
      #expect(status == 0, "stderr: \(stderr)")
      #expect(stdout.contains("rampart summary: complete"))
      #expect(stdout.contains("demo: known capacity   200 req/s = 1 backend x 4 workers / 20ms"))
      let peak = try #require(
        stdout.firstMatch(of: /measured peak +(\d+) ok responses\/s/), "stdout: \(stdout)")
      let measured = try #require(Double(peak.1))
      // The short ramp passes the knee at about 8 s and holds above it: the best second is at capacity.
      #expect(measured >= 180 && measured <= 215, "peak \(measured)")
      #expect(stdout.contains("tracebacks for clients that left"))
    }
  }
}
