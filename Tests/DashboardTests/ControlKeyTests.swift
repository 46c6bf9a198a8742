import EngineFakes
import Metrics
import RunFixtures
import Synchronization
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// The live-control keys: what each asks for in each phase, and what the loop does with it.
@Suite(.timeLimit(.minutes(5))) struct ControlKeyTests {
  static let table: [(Key, DashboardCommand)] = [
    (.character("+"), .changeVusers(1)), (.character("="), .changeVusers(1)),
    (.character("-"), .changeVusers(-1)), (.character("["), .changeRampStep(-1)),
    (.character("]"), .changeRampStep(1)), (.character(","), .changeRampInterval(-1)),
    (.character("."), .changeRampInterval(1)), (.character("<"), .changeRampInterval(-1)),
    (.character(">"), .changeRampInterval(1)), (.character("h"), .toggleHold), (.character("n"), .nextStage),
    (.character("V"), .openPrompt(.vusers)), (.character("t"), .openPrompt(.tag)),
  ]

  @Test(arguments: [EngineStatus.Phase.starting, .running, .paused, .stopping, .done])
  func controlKeysActOnlyWhileThePlanRuns(phase: EngineStatus.Phase) {
    for (key, command) in Self.table {
      let got = KeyMap.commands(for: key, state: DashboardState(), phase: phase)
      switch phase {
      case .running, .paused: #expect(got == [command], "\(key)")
      case .starting: #expect(got == [.notice("the run has not started yet")], "\(key)")
      case .stopping, .done: #expect(got == [.notice("the run is over: nothing to change")], "\(key)")
      }
    }
    #expect(KeyMap.commands(for: .character("k"), state: DashboardState(), phase: phase) == [.jumpToKnee])
  }

  @Test func ladders() {
    #expect(RampLadder.step(after: 100, rungs: 1) == 200)
    #expect(RampLadder.step(after: 100, rungs: -1) == 50)
    #expect(RampLadder.step(after: 7, rungs: 1) == 10)
    #expect(RampLadder.step(after: 7, rungs: -1) == 5)
    #expect(RampLadder.step(after: 1, rungs: -1) == 1)
    #expect(RampLadder.step(after: 10_000, rungs: 1) == 10_000)
    #expect(RampLadder.interval(after: 5, rungs: 1) == 10)
    #expect(RampLadder.interval(after: 5, rungs: -1) == 3)
    #expect(RampLadder.interval(after: 0.4, rungs: -1) == 1)
    #expect(RampLadder.interval(after: 0.4, rungs: 1) == 1)
  }
}

/// The shared fake engine as the control keys' tests want it: a run 42 s in, 30 vusers, a ramp
/// of 10 every 5 s.
func recordingControl() -> FakeEngine {
  FakeEngine(
    status: EngineStatus(
      phase: .running, elapsed: 42, planElapsed: 42, pausedFor: 0, targetVusers: 30, rampHeld: false,
      ramp: .init(step: 10, every: 5))
  ) { RunFixture.snapshot(seconds: 42) }
}

@Suite(.timeLimit(.minutes(5))) struct ControlLoopTests {
  func run(_ keys: [Key]) -> (DashboardLoop, FakeEngine, MemoryBackend) {
    let control = recordingControl()
    let backend = MemoryBackend(width: 120, height: 40, keys: keys + [.character("q")])
    let loop = DashboardLoop(
      backend: backend, metrics: control, engine: control, control: control, info: RunFixture.info,
      themes: [.builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: false, exitFlag: ExitFlag(),
      frameMilliseconds: 0)
    loop.run()
    return (loop, control, backend)
  }

  func typed(_ text: String) -> [Key] { text.map { Key.character($0) } }

  @Test func rampKeysGoThroughTheControl() {
    let (_, control, _) = run([
      .character("+"), .character("-"), .character("]"), .character("["), .character("."), .character(","),
      .character("h"), .character("h"),
    ])
    #expect(
      control.calls == [
        "vusers 40", "vusers 30", "step 20", "step 5", "every 10.0", "every 3.0", "hold true", "hold false",
        "stop",
      ])
  }

  @Test func typedVusersAreValidated() {
    let (loop, control, _) = run(
      [.character("V")] + typed("250") + [.enter] + [.character("V")] + typed("-5") + [.enter]
        + [.character("V")] + typed("abc") + [.enter] + [.character("V")] + typed("5000") + [.enter]
        + [.character("V")] + typed("") + [.enter])
    // Only 250 reached the engine; -5, abc and the empty entry were refused here, 5000 by the engine.
    #expect(control.calls == ["vusers 250", "stop"])
    #expect(loop.state.prompt == nil)
  }

  @Test func refusalsAreShownAndChangeNothing() {
    let control = recordingControl()
    let backend = MemoryBackend(width: 120, height: 40, keys: [.character("n")])
    let loop = DashboardLoop(
      backend: backend, metrics: control, engine: control, control: control, info: RunFixture.info,
      themes: [.builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: false, exitFlag: ExitFlag(),
      frameMilliseconds: 0)
    backend.pendingKeys.append(.character("V"))
    backend.pendingKeys.append(contentsOf: typed("5000"))
    backend.pendingKeys.append(.enter)
    backend.pendingKeys.append(.character("q"))
    loop.run()
    let frames = backend.presented.map { $0.lines().joined(separator: "\n") }
    #expect(frames.contains { $0.contains("there is no next stage") })
    #expect(frames.contains { $0.contains("5000 vusers exceed the open-file limit") })
    #expect(control.calls == ["stop"])
  }

  @Test func tagsTakeATypedLabelOrTheDefault() {
    let (_, control, _) = run(
      [.character("t"), .enter, .character("t")] + typed("db failover") + [.enter, .character("t"), .escape])
    #expect(control.calls == ["tag knee?", "tag db failover", "stop"])
  }
}
