import Foundation
import TestKit
import TestSupport
import Testing

/// The knee verdict as a script reads it (issue 22): `rampart run --no-tui --json` against a
/// `rampart target` whose saturation point is known says `saturated_from_start` for a ramp that
/// starts above it, with the sentence naming the first step. The in-process engine tests
/// (DemoTargetTests/ClosedKneeVerdictOnTargetTests) cover the other verdicts.
@Suite("knee verdict end to end: rampart target and rampart run --json", .timeLimit(.minutes(30)))
struct KneeVerdictCLITests {
  @Test("a ramp from 32 vusers against N* = 16 (16 workers x 50 ms): knee_verdict saturated_from_start")
  func saturatedFromTheStartInTheJSON() async throws {
    try await HeavyTest.run {
      // C = 16 / 50 ms = 320 req/s, N* = C x 50 ms = 16 vusers; the ramp starts at twice that
      // (see ClosedKneeVerdictOnTargetTests for why twice is enough).
      let target = try RampartProcess([
        "target", "--port", "0", "--workers", "16", "--service", "50ms", "--jitter", "10ms",
        "--queue", "1000",
      ])
      defer {
        // Only after a failure is it still running here; killed, not waited for.
        if target.process.isRunning { target.signal(SIGKILL) }
        target.cleanUp()
      }
      var port: Int?
      _ = try await Poll.until(seconds: 30, every: 0.05) {
        port = target.stdout.firstMatch(of: /127\.0\.0\.1:(\d+)\//).flatMap { Int($0.1) }
        return port != nil || !target.process.isRunning
      }
      let servingPort = try #require(port, "no address in: \(target.stdout) \(target.stderr)")
      #expect(
        target.stdout.contains("capacity 320 req/s = 1 backend x 16 workers / 50ms"), "\(target.stdout)")
      let run = try RampartProcess([
        "run", "http://127.0.0.1:\(servingPort)/", "--vusers", "96",
        "--ramp-start", "32", "--ramp-step", "16", "--ramp-every", "3s", "--duration", "15s",
        "--grace", "1s", "--no-tui", "--json",
      ])
      defer { run.cleanUp() }
      let status = await run.wait(seconds: 120)
      #expect(status == 0, "stderr: \(run.stderr)")
      let object = try #require(
        try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
        "not one JSON object: \(run.stdout)")
      #expect(object["knee_verdict"] as? String == "saturated_from_start", "\(object)")
      let note = try #require(object["knee_note"] as? String, "\(object)")
      // The bound is the first step, rounded up by its shortfall from the plateau within the
      // noise: 32 vusers, or a few more, never the next step (48).
      let bound = try #require(
        note.firstMatch(of: /^saturated from the start: the knee is at or below (\d+) vusers; start lower$/)
          .flatMap { Int($0.1) }, "\(note)")
      #expect(bound >= 32 && bound < 48, "\(note)")
      #expect(object["knee"] == nil || object["knee"] is NSNull, "\(object)")
      target.signal(SIGTERM)
      #expect(await target.wait(seconds: 30) == 0, "target: \(target.stderr)")
    }
  }
}
