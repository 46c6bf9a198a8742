import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// FAULTS CTL-01 and CTL-02 through the EngineControl API (keys and the control socket drive the
/// same calls in later issues).
@Suite("Engine control (FAULTS CTL)", .timeLimit(.minutes(30)))
struct EngineControlTests {
  @Test("CTL-01 pause: zero new requests, in-flight ones finish and count; resume without a burst")
  func pauseAndResume() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.02)
      let probe = CountProbe()
      let run = try await runEngine(try makeConfig(server.url, vusers: 10, duration: 6)) { engine in
        await sleep(seconds: 2.05)
        engine.pause()
        await sleep(seconds: 0.3)  // in-flight requests (20 ms) finish
        probe.atPause = server.requestCount
        await sleep(seconds: 3.0)
        probe.afterPause = server.requestCount
        engine.resume()
      }
      await server.shutdown()
      run.expectNothingLost()
      #expect(probe.atPause == probe.afterPause, "requests during pause: \(probe.afterPause - probe.atPause)")
      let rows = run.snapshot.samples
      // Seconds 3 and 4 lie wholly inside the pause.
      #expect(rows[3].started == 0 && rows[4].started == 0, "started \(rows.map(\.started))")
      #expect(rows[3].paused && rows[4].paused)
      // Resumed at ~5.35 s: second 6 is the first whole second after it.
      let before = Double(rows[1].started)
      let firstAfter = Double(rows[6].started)
      #expect(firstAfter <= 1.1 * before, "first second after resume \(firstAfter) vs \(before)")
      #expect(firstAfter >= 0.9 * before, "back to the rate at once: \(firstAfter) vs \(before)")
      // Plan time excludes the pause, so the 6 s plan runs ~3.3 s longer.
      #expect(run.result.duration > 8.9 && run.result.duration < 10.5, "duration \(run.result.duration)")
      let kinds = run.snapshot.events.map(\.kind)
      #expect(kinds.filter { $0 == .pause }.count == 1)
      #expect(kinds.filter { $0 == .resume }.count == 1)
    }
  }

  @Test("CTL-01 a stop while paused ends cleanly")
  func stopWhilePaused() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let run = try await runEngine(try makeConfig(server.url, vusers: 5, duration: 30)) { engine in
        await sleep(seconds: 1)
        engine.pause()
        await sleep(seconds: 0.5)
        engine.stop()
      }
      await server.shutdown()
      #expect(run.result.outcome == .abortedByUser)
      #expect(run.result.duration < 3)
      #expect(run.result.inflightAtStop == 0)
      run.expectNothingLost()
    }
  }

  @Test("CTL-02 live vuser changes apply within a second, each journalled once")
  func liveTargetChanges() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.01)
      let run = try await runEngine(try makeConfig(server.url, vusers: 10, duration: 5)) { engine in
        // On the engine's own clock: a busy machine may start it late against the test's.
        await untilElapsed(engine, 1.2)
        try engine.setTargetVusers(100)
        await untilElapsed(engine, 2.7)
        try engine.setTargetVusers(5)
      }
      await server.shutdown()
      run.expectNothingLost()
      let vusers = run.snapshot.samples.map(\.vusers)
      // The gauge is read as each second closes: 100 by the end of second 1 (set at 1.2 s),
      // 5 by the end of second 2 (set at 2.7 s).
      #expect(vusers[0] == 10)
      #expect(vusers[1] == 100, "vusers \(vusers)")
      #expect(vusers[2] == 5, "vusers \(vusers)")
      let changes = run.snapshot.events.filter { $0.kind == .setVusers }
      #expect(changes.map(\.value) == [100, 5])
      #expect(changes[0].elapsed > 1.1 && changes[0].elapsed < 1.5)
    }
  }

  @Test("CTL-02 invalid values are refused with a message and change nothing")
  func invalidValues() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer()
      let errors = ErrorBox()
      let run = try await runEngine(
        try makeConfig(server.url, vusers: 4, duration: 2)
      ) { engine in
        engine.capConnections(at: 5000)
        await sleep(seconds: 0.5)
        errors.capture { try engine.setTargetVusers(-5) }
        errors.capture { try engine.setTargetVusers(1_000_000_000_000) }
        errors.capture { try engine.setTargetVusers(5001) }
        errors.capture { try engine.setRampStep(0) }
        errors.capture { try engine.setRampInterval(seconds: -1) }
        errors.capture { try engine.setRampInterval(seconds: .nan) }
        errors.capture { try engine.skipToNextStage() }
        // A constant load has no ramp to step: a step would climb back after `vusers N`.
        errors.capture { try engine.setRampStep(5) }
        errors.capture { try engine.setRampInterval(seconds: 2) }
      }
      await server.shutdown()
      #expect(errors.messages.count == 9, "\(errors.messages)")
      #expect(errors.messages[2] == "5001 vusers exceed the open-file limit (at most 5000 connections)")
      #expect(errors.messages.suffix(2).allSatisfy { $0.hasPrefix("a constant load has no ramp") })
      #expect(errors.messages.allSatisfy { !$0.isEmpty })
      let controlEvents = run.snapshot.events.filter { ![.start, .planEnd, .stop].contains($0.kind) }
      #expect(controlEvents.isEmpty, "\(controlEvents)")
      #expect(run.snapshot.samples.allSatisfy { $0.vusers == 4 || $0.duration < 1 })
    }
  }

  @Test("ramp step and interval changes, hold and next stage are applied and journalled")
  func rampControls() async throws {
    try await HeavyTest.run {
      let server = try await TestHTTPServer(delay: 0.01)
      var config = try makeConfig(server.url, vusers: 1)
      config.plan = .steps(start: 2, step: 2, every: 1, max: 100)
      config.duration = 4
      let run = try await runEngine(config) { engine in
        await sleep(seconds: 0.5)
        try engine.setRampStep(10)
        await sleep(seconds: 1.0)
        engine.setHold(true)
        await sleep(seconds: 1.5)
        engine.setHold(false)
        try engine.setRampInterval(seconds: 10)
      }
      await server.shutdown()
      let vusers = run.snapshot.samples.map(\.vusers)
      // 2 at start, +10 at 1.5 s (re-anchored at 0.5 s) = 12, held, then a 10 s interval.
      #expect(vusers[1] == 12 && vusers[2] == 12 && vusers[3] == 12, "vusers \(vusers)")
      let kinds = run.snapshot.events.map(\.kind)
      for kind in [RunEvent.Kind.rampStep, .hold, .release, .rampInterval] {
        #expect(kinds.filter { $0 == kind }.count == 1, "\(kind)")
      }
    }
  }
}

final class CountProbe: @unchecked Sendable {
  var atPause = 0
  var afterPause = 0
}

final class ErrorBox: @unchecked Sendable {
  var messages: [String] = []
  func capture(_ body: () throws -> Void) {
    do {
      try body()
    } catch let error as ControlError {
      messages.append(error.message)
    } catch {
      messages.append("unexpected \(error)")
    }
  }
}

/// Waits until the engine's own clock reads `seconds` (checked every 5 ms).
private func untilElapsed(_ engine: LoadEngine, _ seconds: Double) async {
  while engine.status().elapsed < seconds, engine.status().phase != .done { await sleep(seconds: 0.005) }
}
