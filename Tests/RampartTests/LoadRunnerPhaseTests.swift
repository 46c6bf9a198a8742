import EngineFakes
import Foundation
import LoadEngine
import Metrics
import RunStore
import Synchronization
import Testing

@testable import RampartCommands

/// The run's phases that decide something, against a fake engine and an in-memory journal: what
/// each closed second prints, journals and stops; the summary's outcome and verdict; the exit
/// status; what meta.json says before the run.
@Suite(.timeLimit(.minutes(2))) struct LoadRunnerPhaseTests {
  /// What the handler journalled and said, in order.
  final class Written: RunRecorder, Sendable {
    enum Entry: Equatable {
      case second(Int)
      case event(RunEvent.Kind, String?)
    }
    private let state = Mutex<(entries: [Entry], lines: [String], warnings: [String])>(([], [], []))
    var entries: [Entry] { state.withLock { $0.entries } }
    var lines: [String] { state.withLock { $0.lines } }
    var warnings: [String] { state.withLock { $0.warnings } }
    func append(_ sample: SecondSample) { state.withLock { $0.entries.append(.second(sample.t)) } }
    func append(_ event: RunEvent) { state.withLock { $0.entries.append(.event(event.kind, event.label)) } }
    func say(_ line: String) { state.withLock { $0.lines.append(line) } }
    func warn(_ line: String) { state.withLock { $0.warnings.append(line) } }
  }

  struct Run {
    let store = MetricsStore()
    let written = Written()
    let engine = FakeEngine(
      status: EngineStatus(
        phase: .running, elapsed: 0, planElapsed: 0, pausedFor: 0, targetVusers: 1, rampHeld: false),
      snapshot: { MetricsStore().snapshot() })
    let seconds: SecondHandler

    init(thresholds: [String] = [], abortOnFail: Bool = false, abortDelay: Double = 0) throws {
      store.setThresholds(try thresholds.map { try Threshold(parsing: $0) })
      let written = written
      seconds = SecondHandler(
        store: store, search: nil,
        policy: .init(checks: !thresholds.isEmpty, abortOnFail: abortOnFail, abortDelay: abortDelay),
        stopCause: StopCause(), progress: { written.say($0) }, warn: { written.warn($0) })
      seconds.recorder.value = written
      seconds.engine.value = engine
    }

    /// Second `t` closes with `ok` responses of 1 ms and `errors` timeouts, and the handler sees it.
    @discardableResult
    func close(second t: Int, ok: Int, errors: Int = 0, logErrors: [String: Int]? = nil) -> SecondSample {
      var recorder = Recorder(second: t)
      for _ in 0..<ok { recorder.record(.response(status: 200), latencyMicros: 1_000, second: t) }
      for _ in 0..<errors { recorder.record(.failure(.timeout), latencyMicros: nil, second: t) }
      for _ in 0..<(ok + errors) { recorder.recordStart(second: t) }
      let gauges = EngineGauges(vusers: 1, targetVusers: 1, connections: 1, paused: false)
      var sample = store.ingest(recorder.drain(through: t)[0], gauges: gauges, duration: 1)
      sample.logErrors = logErrors
      seconds.handle(sample)
      return sample
    }
  }

  @Test func eachSecondIsSaidThenJournalledWithItsLogErrorsByName() throws {
    let run = try Run()
    let sample = run.close(second: 0, ok: 10, logErrors: ["Traceback": 1, "BrokenPipeError": 2])
    #expect(run.written.lines == [HeadlessReport.progressLine(sample)])
    #expect(
      run.written.entries == [
        .second(0), .event(.logErrors, "BrokenPipeError"), .event(.logErrors, "Traceback"),
      ])
    #expect(run.engine.calls.isEmpty)
  }

  @Test func aThresholdThatStartsFailingIsJournalledAndSaidOnce() throws {
    let run = try Run(thresholds: ["errors<10%"])
    run.close(second: 0, ok: 100)
    #expect(!run.written.entries.contains(.event(.threshold, "errors<10%")))
    run.close(second: 1, ok: 0, errors: 300)
    run.close(second: 2, ok: 0, errors: 300)
    #expect(run.written.entries.filter { $0 == .event(.threshold, "errors<10%") }.count == 1)
    let said = run.written.lines.filter { $0.hasPrefix("  threshold failing: errors<10% (observed ") }
    #expect(said.count == 1, "\(run.written.lines)")
    // Without --abort-on-fail the run goes on.
    #expect(run.engine.calls.isEmpty)
    #expect(run.seconds.stopCause.value == nil)
  }

  @Test func abortOnFailWaitsOutItsDelayThenStopsTheRunOnce() throws {
    let run = try Run(thresholds: ["errors<10%"], abortOnFail: true, abortDelay: 3)
    // Failing from the first second; seconds 0 and 1 end at 1 s and 2 s, inside the delay.
    run.close(second: 0, ok: 0, errors: 50)
    run.close(second: 1, ok: 0, errors: 50)
    #expect(run.engine.calls.isEmpty)
    run.close(second: 2, ok: 0, errors: 50)
    #expect(run.engine.calls == ["stop"])
    #expect(run.seconds.stopCause.value == .threshold)
    #expect(
      run.written.warnings == [
        "rampart: threshold 'errors<10%' failed (observed 100.00%): stopping the run (--abort-on-fail)"
      ])
    // The run is stopping: later seconds do not stop it again.
    run.close(second: 3, ok: 0, errors: 50)
    #expect(run.engine.calls == ["stop"])
    #expect(run.written.warnings.count == 1)
  }

  @Test func aUserWhoStoppedFirstIsTheCause() throws {
    let run = try Run(thresholds: ["errors<10%"], abortOnFail: true)
    #expect(run.seconds.stopCause.claim(.user))
    run.close(second: 0, ok: 0, errors: 50)
    #expect(run.engine.calls.isEmpty)
    #expect(run.written.warnings.isEmpty)
    #expect(run.seconds.stopCause.value == .user)
  }

  static let started = Date(timeIntervalSince1970: 1_800_000_000)

  static func result(_ outcome: RunOutcome) -> EngineResult {
    EngineResult(
      outcome: outcome, startedAt: started, endedAt: started.addingTimeInterval(3), duration: 3,
      inflightAtStop: 0)
  }

  static func summary(_ outcome: RunOutcome, cause: StopCause.Cause?, thresholds: [String]) throws
    -> RunSummary
  {
    let run = try Run()
    for t in 0..<3 { run.close(second: t, ok: 100) }
    return LoadRunner.summary(
      result(outcome), cause: cause, final: run.store.snapshot(), target: "http://127.0.0.1:1/",
      runDir: "/tmp/r", capacity: nil, thresholds: try thresholds.map { try Threshold(parsing: $0) })
  }

  @Test func aStopThatAThresholdAskedForIsNamedAndFailsTheVerdict() throws {
    // The engine reads every stop as a user's; the cause names the threshold, and the verdict
    // fails even though the whole run, judged at the end, passes.
    let summary = try Self.summary(.abortedByUser, cause: .threshold, thresholds: ["errors<10%"])
    #expect(summary.outcome == .abortedByThreshold)
    #expect(summary.thresholds?.map(\.ok) == [true])
    #expect(summary.thresholdsOk == false)
    #expect(LoadRunner.exitStatus(summary, summaryMissing: false) == ExitStatus.thresholdsFailed)
  }

  @Test func theVerdictIsTheWholeRunsFiguresAgainstEachThreshold() throws {
    let passing = try Self.summary(.complete, cause: nil, thresholds: ["p99<50ms", "tps>50"])
    #expect(passing.thresholds?.map(\.ok) == [true, true])
    #expect(passing.thresholdsOk == true)
    #expect(passing.requests == 300 && passing.durationS == 3)
    let failing = try Self.summary(.complete, cause: nil, thresholds: ["p99<50ms", "tps>500"])
    #expect(failing.thresholds?.map(\.ok) == [true, false])
    #expect(failing.thresholdsOk == false)
    let none = try Self.summary(.complete, cause: nil, thresholds: [])
    #expect(none.thresholds == nil && none.thresholdsOk == nil)
  }

  @Test func theExitStatusPutsAUserStopFirstThenAMissingSummaryThenThresholds() throws {
    let stopped = try Self.summary(.abortedByUser, cause: .user, thresholds: ["tps>500"])
    #expect(stopped.outcome == .abortedByUser)
    #expect(LoadRunner.exitStatus(stopped, summaryMissing: true) == ExitStatus.interrupted)
    let failing = try Self.summary(.complete, cause: nil, thresholds: ["tps>500"])
    #expect(LoadRunner.exitStatus(failing, summaryMissing: true) == ExitStatus.failure)
    #expect(LoadRunner.exitStatus(failing, summaryMissing: false) == ExitStatus.thresholdsFailed)
    let clean = try Self.summary(.complete, cause: nil, thresholds: ["tps>50"])
    #expect(LoadRunner.exitStatus(clean, summaryMissing: false) == nil)
  }

  @Test func theMetaNamesTheMixAndKeepsNoSecret() throws {
    var config = EngineConfig(
      target: try HTTPTarget(parsing: "http://127.0.0.1:1/?key=s3cret"), request: try RequestTemplate(),
      plan: .steps(start: 2, step: 2, every: 5, max: 10))
    config.mix = [
      WeightedRequest(template: try RequestTemplate(), path: "/a", weight: 3),
      WeightedRequest(template: try RequestTemplate(method: "POST"), path: "/b?token=s3cret"),
    ]
    let meta = LoadRunner.meta(
      config: config, name: "run-s3cret", redact: { $0.replacingOccurrences(of: "s3cret", with: "***") },
      startedAt: Self.started)
    #expect(meta.name == "run-***")
    #expect(meta.target == "http://127.0.0.1:1/?key=***")
    #expect(meta.method == "GET /a x3, POST /b?token=*** x1")
    #expect(meta.plan == config.planSummary + "; requests GET /a x3, POST /b?token=*** x1")
    #expect(meta.vusersPeak == 10)
    #expect(meta.startedAt == Self.started)
    // Without a mix the method is the request's own and the plan is the plan.
    config.mix = []
    let single = LoadRunner.meta(config: config, name: "r", redact: { $0 }, startedAt: Self.started)
    #expect(single.method == "GET" && single.plan == config.planSummary)
  }
}

/// The fake has every control the run's per-second work steers.
extension FakeEngine: SteerableEngine {}
