import EngineFakes
import Metrics
import RunFixtures
import Synchronization
import TerminalUI
import Testing
import Theme

@testable import Dashboard

extension FakeEngine {
  /// A run a minute in with 200 vusers showing `snapshot`, that takes two status reads to stop.
  convenience init(snapshot: MetricsSnapshot, stopAfterReads: Int = 2) {
    self.init(
      status: EngineStatus(
        phase: .running, elapsed: 60, planElapsed: 60, pausedFor: 0, targetVusers: 200, rampHeld: false),
      stopAfterReads: stopAfterReads
    ) { snapshot }
  }

  func finish() { set(.done) }
}

@Suite(.timeLimit(.minutes(5))) struct DashboardLoopTests {
  func loop(
    _ engine: FakeEngine, _ backend: MemoryBackend, exitOnEnd: Bool = false, flag: ExitFlag = ExitFlag()
  )
    -> DashboardLoop
  {
    DashboardLoop(
      backend: backend, metrics: engine, engine: engine, control: engine, info: RunFixture.info,
      themes: [.builtInDefault, .builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: exitOnEnd,
      exitFlag: flag, frameMilliseconds: 0)
  }

  @Test func pauseResumeThenQuitStopsAndLeavesOnceDone() {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 60))
    let backend = MemoryBackend(
      width: 120, height: 40, keys: [.character("p"), .character(" "), .character("q")])
    loop(engine, backend).run()
    #expect(engine.calls == ["pause", "resume", "stop"])
    #expect(engine.status().phase == .done)
    let frame = backend.lastFrame?.lines().joined(separator: "\n") ?? ""
    #expect(frame.contains("STOPPING"))
  }

  @Test func afterTheEndTheScreenStaysUntilQ() {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 60))
    engine.finish()
    let backend = MemoryBackend(
      width: 120, height: 40, keys: [.character("z"), .character("?"), .character("x")])
    let dashboard = loop(engine, backend)
    // No q yet: the loop would wait forever, so give it the q after the scripted keys.
    backend.pendingKeys.append(.character("q"))
    dashboard.run()
    #expect(engine.calls.isEmpty)
    #expect(dashboard.state.exitRequested)
    #expect(dashboard.state.viewport.span != nil)
    #expect(!dashboard.state.showHelp)
    #expect(backend.presented.count >= 4)
    #expect(backend.lastFrame?.lines().contains { $0.contains("run complete: q exits") } == true)
  }

  @Test func exitOnEndAndTheSignalFlagLeaveWithoutAKey() {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 5))
    engine.finish()
    // No key is ever pressed: each loop must return by itself, the first after showing the end.
    let ended = MemoryBackend(width: 80, height: 24)
    let started = ContinuousClock.now
    loop(engine, ended, exitOnEnd: true).run()
    // Leaving at the end is the run's own doing: no frame waits on the keyboard first.
    #expect(ended.presented.isEmpty, "\(ended.presented.count) frames before leaving")
    let flag = ExitFlag()
    flag.set()
    loop(engine, MemoryBackend(width: 80, height: 24), flag: flag).run()
    // Both returned without waiting for a key (a frame waits 200 ms for one at most).
    #expect(ContinuousClock.now - started < .seconds(5))
  }

  @Test func themeCyclesAndPostsItsName() {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 5))
    let backend = MemoryBackend(width: 120, height: 40, keys: [.character("T"), .character("q")])
    loop(engine, backend).run()
    #expect(backend.presented.contains { $0.lines().last?.contains("theme default") == true })
  }
}

/// An engine whose clock jumps, as it does when the whole process was stopped (Ctrl-Z).
final class StoppedProcessEngine: EngineStatusSource, Sendable {
  private let reads = Mutex(0)
  func status() -> EngineStatus {
    let n = reads.withLock {
      $0 += 1
      return $0
    }
    let elapsed = n < 4 ? 10.0 + Double(n) * 0.2 : 25.0 + Double(n) * 0.2
    return EngineStatus(
      phase: n < 12 ? .running : .done, elapsed: elapsed, planElapsed: elapsed, pausedFor: 0,
      targetVusers: 10, rampHeld: false)
  }
}

@Suite(.timeLimit(.minutes(5))) struct SuspensionNoticeTests {
  @Test func aStoppedProcessIsNamedOnResume() {
    let engine = FakeEngine(snapshot: RunFixture.snapshot(seconds: 20))
    let backend = MemoryBackend(width: 120, height: 40)
    let loop = DashboardLoop(
      backend: backend, metrics: engine, engine: StoppedProcessEngine(), control: engine,
      info: RunFixture.info,
      themes: [.builtInDefault], symbols: .unicode, dots: .braille, exitOnEnd: true, exitFlag: ExitFlag(),
      frameMilliseconds: 0)
    loop.run()
    let notices = backend.presented.compactMap { $0.lines().last }.filter {
      $0.contains("process was stopped")
    }
    #expect(!notices.isEmpty)
    #expect(notices.first?.contains("stopped for 0:1") == true, "\(notices.first ?? "")")
  }
}
