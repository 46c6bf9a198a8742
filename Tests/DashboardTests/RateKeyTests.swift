import EngineFakes
import Metrics
import RunFixtures
import TerminalUI
import Testing
import Theme
import Vocabulary

@testable import Dashboard

/// The open model's rate keys: the step, the rate they ask for, and what the loop says.
@Suite(.timeLimit(.minutes(2))) struct RateKeyTests {
  @Test func theAutomaticStepIsAboutATenthOnTheLadder() {
    #expect(RateStep.automatic(for: 2000) == 200)
    #expect(RateStep.automatic(for: 1900) == 100)
    #expect(RateStep.automatic(for: 7000) == 500)
    #expect(RateStep.automatic(for: 10_000_000) == 1_000_000)
    #expect(RateStep.automatic(for: 15) == 1)
    #expect(RateStep.automatic(for: 0.5) == 1)
    #expect(RateStep.automatic(for: 0) == 1)
  }

  @Test func stepsMoveAlongTheirLadder() {
    #expect(RateStep.step(after: 200, rungs: 1) == 500)
    #expect(RateStep.step(after: 200, rungs: -1) == 100)
    #expect(RateStep.step(after: 1, rungs: -1) == 1)
    #expect(RateStep.step(after: 5_000_000, rungs: 1) == 5_000_000)
    #expect(RateStep.step(after: 300, rungs: 1) == 500)
  }

  @Test func ratesMoveToTheNextMultipleOfTheStep() {
    #expect(RateStep.rate(from: 2000, step: 200, steps: 1) == 2200)
    #expect(RateStep.rate(from: 2000, step: 200, steps: -1) == 1800)
    // A rate between multiples (a linear ramp's instant rate) moves to the nearer one first.
    #expect(RateStep.rate(from: 1234.5678, step: 100, steps: 1) == 1300)
    #expect(RateStep.rate(from: 1234.5678, step: 100, steps: -1) == 1200)
    #expect(RateStep.rate(from: 100, step: 100, steps: -1) == 0)
    #expect(RateStep.rate(from: 0.5, step: 1, steps: 1) == 1)
  }

  func run(rate: Double, _ keys: [Key]) -> (FakeEngine, [String]) {
    let control = FakeEngine(
      status: EngineStatus(
        phase: .running, elapsed: 42, planElapsed: 42, pausedFor: 0, targetVusers: 500, rampHeld: false,
        rate: rate),
      rateLimit: 10_000, snapshot: { OpenRunFixture.snapshot(seconds: 42) })
    let backend = MemoryBackend(width: 120, height: 40, keys: keys + [.character("q")])
    let loop = DashboardLoop(
      backend: backend, metrics: control, engine: control, control: control, info: OpenRunFixture.info,
      themes: [.builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: false, exitFlag: ExitFlag(),
      frameMilliseconds: 0)
    loop.run()
    return (control, backend.presented.map { $0.lines().joined(separator: "\n") })
  }

  @Test func plusThenMinusComesBackAndTheStepCanChange() {
    // 1,900/s: the step is 100 (a tenth is 190). It stays 100 after the rate reaches 2,000, whose
    // own step would be 200, so "-" returns to 1,900.
    let keys = "+-]++[[-".map { Key.character($0) }
    let (control, frames) = run(rate: 1900, keys)
    #expect(control.calls == ["rate 2000", "rate 1900", "rate 2000", "rate 2200", "rate 2150", "stop"])
    #expect(frames.contains { $0.contains("rate 1900 → 2000/s") })
    #expect(frames.contains { $0.contains("rate step 100 → 200/s") })
    #expect(frames.contains { $0.contains("+/- rate ±50/s") })
  }

  @Test func refusalsAreShownAndChangeNothing() {
    // Down to 1/s, then refused here below one step; at the top, refused by the engine.
    let (low, lowFrames) = run(rate: 1.5, [.character("-"), .character("-")])
    #expect(low.calls == ["rate 1", "stop"])
    #expect(lowFrames.contains { $0.contains("at the lowest step (1/s): [ for smaller") })
    let (high, highFrames) = run(rate: 9900, [.character("+"), .character("+")])
    #expect(high.calls == ["rate 10000", "stop"])
    #expect(highFrames.contains { $0.contains("rate must be more than 0 and at most 10000/s, got 1") })
  }

  @Test func vuserKeysSayWhyInsteadOfReachingTheEngine() {
    let (control, frames) = run(rate: 2000, "Vhn,.k".map { Key.character($0) })
    #expect(control.calls == ["stop"])
    #expect(frames.contains { $0.contains("open model: +/- set the rate, not vusers") })
    #expect(frames.contains { $0.contains("no knee detected yet: it needs rate steps") })
    // No prompt opened for V.
    #expect(!frames.contains { $0.contains("vusers (exact count)") })
  }
}
