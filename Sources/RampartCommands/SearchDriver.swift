import Metrics
import Synchronization

/// Runs a capacity search (`rampart find`) on a live open-model run: fed each closed second from
/// the engine's once-a-second callback, it measures each step's window in the store, moves the
/// engine's rate, journals each judged step and ends the plan once the answer stands. It only
/// ever calls the engine's own non-blocking controls, so it cannot hold the run.
final class SearchDriver: Sendable {
  let settings: CapacitySearch.Settings
  private let search: Mutex<CapacitySearch>

  init(_ settings: CapacitySearch.Settings) {
    self.settings = settings
    search = Mutex(CapacitySearch(settings))
  }

  /// The rate the run starts at.
  var firstRate: Double { search.withLock { $0.firstRate } }

  /// One closed second. Returns what to journal and print: the judged step, and the answer when
  /// the search is over.
  func observe(_ sample: SecondSample, engine: any SteerableEngine, store: MetricsStore) -> [RunEvent] {
    let (action, step, progress) = search.withLock { search in
      let before = search.steps.count
      let action = search.observe(sample) { store.windowFigures() }
      return (action, search.steps.count > before ? search.steps.last : nil, SearchProgress(search))
    }
    store.setSearch(progress)
    var events: [RunEvent] = []
    let elapsed = Double(sample.t) + sample.duration
    if let step {
      events.append(RunEvent(elapsed: elapsed, kind: .searchStep, value: step.rate, label: Self.label(step)))
    }
    switch action {
    case .none: break
    case .startWindow: store.startWindow()
    case .setRate(let rate):
      // The search's rates lie within the engine's bounds (the settings were validated).
      try? engine.setRate(rate)
    case .finish(let result):
      events.append(
        RunEvent(elapsed: elapsed, kind: .capacity, value: result.capacityRps, label: result.headline))
      engine.finishPlan()
    }
    return events
  }

  /// The answer: the search's own, or the best so far when the run ended before it (a stop, `q`).
  var result: CapacityResult {
    search.withLock { $0.finished ?? $0.stopped() }
  }

  /// "hold pass: p99<300ms 41ms, errors<1% 0.00% (1,204 samples)".
  static func label(_ step: SearchStep) -> String {
    let readings = step.results.map { "\($0.expr) \($0.observedText)" }.joined(separator: ", ")
    let samples =
      step.samplesNeeded > step.samples ? " (\(step.samples) of \(step.samplesNeeded) samples)" : ""
    return "\(step.phase.rawValue) \(step.verdict.rawValue): \(readings)\(samples)"
  }
}
