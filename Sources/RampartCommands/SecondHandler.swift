import LoadEngine
import Metrics
import RunStore

/// What the run's own per-second work steers: the controls a client has, the status, and the end
/// of the plan a capacity search declares. The engine in a run; a fake in tests.
protocol SteerableEngine: EngineControl, EngineStatusSource {
  func finishPlan()
}

extension LoadEngine: SteerableEngine {}

/// Where the per-second work writes what happened: the run's journal, or a recorder in tests.
protocol RunRecorder: Sendable {
  func append(_ sample: SecondSample)
  func append(_ event: RunEvent)
}

extension RunJournal: RunRecorder {}

/// The engine's once-a-second callback: each closed second is printed (in plain mode), journalled
/// with its log-error counts, fed to a capacity search, looked at for the knee and checked
/// against the thresholds, in that order. It runs on the engine's collection path, so it only
/// ever calls non-blocking controls and cannot hold the run.
final class SecondHandler: Sendable {
  /// What a threshold that fails does to the run.
  struct ThresholdPolicy: Sendable {
    var checks: Bool
    /// Stop the run once a threshold is failing and `abortDelay` seconds have passed.
    var abortOnFail: Bool
    var abortDelay: Double
  }

  /// The journal and the engine exist after the handler does (the journal is made once the engine
  /// resolved the target): the callbacks only fire once the run started, when both are set.
  let recorder = Slot<any RunRecorder>()
  let engine = Slot<any SteerableEngine>()
  let stopCause: StopCause
  private let store: MetricsStore
  private let search: SearchDriver?
  private let policy: ThresholdPolicy
  private let progress: @Sendable (String) -> Void
  private let warn: @Sendable (String) -> Void

  init(
    store: MetricsStore, search: SearchDriver?, policy: ThresholdPolicy, stopCause: StopCause,
    progress: @escaping @Sendable (String) -> Void, warn: @escaping @Sendable (String) -> Void
  ) {
    self.store = store
    self.search = search
    self.policy = policy
    self.stopCause = stopCause
    self.progress = progress
    self.warn = warn
  }

  func handle(_ sample: SecondSample) {
    // The second's line comes before its journal write, so a write that fails is said after the
    // line of the second it lost.
    progress(HeadlessReport.progressLine(sample))
    record(sample)
    steerSearch(sample)
    lookForKnee()
    if policy.checks { checkThresholds(sample) }
  }

  private func record(_ sample: SecondSample) {
    recorder.value?.append(sample)
    for (name, count) in (sample.logErrors ?? [:]).sorted(by: { $0.key < $1.key }) {
      recorder.value?.append(
        RunEvent(elapsed: Double(sample.t), kind: .logErrors, value: Double(count), label: name))
    }
  }

  private func steerSearch(_ sample: SecondSample) {
    guard let search, let engine = engine.value else { return }
    for event in search.observe(sample, engine: engine, store: store) {
      store.record(event)
      recorder.value?.append(event)
      progress(HeadlessReport.searchLine(event))
    }
  }

  /// The knee is looked for once a second, as ramp steps complete (a search's own steps answer
  /// its question instead).
  private func lookForKnee() {
    guard search == nil, let knee = store.updateKnee() else { return }
    recorder.value?.append(knee)
    let position = store.snapshot().knee?.position ?? "\(Int(knee.value ?? 0)) vusers"
    progress("  knee: \(position), \(knee.label ?? "")")
  }

  /// Thresholds are checked over the run so far, after the second closed.
  private func checkThresholds(_ sample: SecondSample) {
    let check = store.checkThresholds()
    for event in check.newlyFailing {
      recorder.value?.append(event)
      let observed = check.results.first { $0.expr == event.label }?.observedText ?? ""
      progress("  threshold failing: \(event.label ?? "") (observed \(observed))")
    }
    let elapsed = Double(sample.t) + sample.duration
    guard policy.abortOnFail, elapsed >= policy.abortDelay,
      let failed = check.results.first(where: { !$0.ok }),
      let engine = engine.value, [.running, .paused].contains(engine.status().phase),
      stopCause.claim(.threshold)
    else { return }
    warn(
      "rampart: threshold '\(failed.expr)' failed (observed \(failed.observedText)): "
        + "stopping the run (--abort-on-fail)")
    engine.stop()
  }
}
