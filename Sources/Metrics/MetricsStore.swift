import Foundation
import Synchronization

/// A consistent copy of everything recorded so far, for the screen and the summary.
public struct MetricsSnapshot: Sendable {
  public var samples: [SecondSample]
  public var totals: RunTotals
  public var events: [RunEvent]
  /// Percentiles of the whole run so far, computed once per second at ingest: reading them from
  /// the cumulative histogram walks its buckets, too slow to repeat in every frame.
  public var percentiles: LatencyPercentiles
  /// The knee as detected live (updated as ramp steps complete); nil until it can be claimed.
  public var knee: Knee?
  /// The live knee verdict: `found` with the knee, else why there is none yet; nil before the
  /// first look (and in a capacity search, which does not look).
  public var kneeJudgement: KneeJudgement?
  /// The thresholds as last checked (once a second); empty without thresholds or before the
  /// first closed second.
  public var thresholds: [ThresholdResult]
  /// `rampart find`: where the capacity search stands; nil in other runs.
  public var search: SearchProgress?
  /// The target's watched sources by name, in the order given (empty when nothing is watched):
  /// a source never read is still named in the summary.
  public var watchedSources: [String] = []

  public init(
    samples: [SecondSample], totals: RunTotals, events: [RunEvent], percentiles: LatencyPercentiles? = nil,
    knee: Knee? = nil, thresholds: [ThresholdResult] = [], search: SearchProgress? = nil
  ) {
    self.search = search
    self.samples = samples
    self.totals = totals
    self.events = events
    self.percentiles = percentiles ?? LatencyPercentiles(totals)
    self.knee = knee
    self.thresholds = thresholds
  }
}

/// Run-wide latency percentiles in milliseconds (0 before the first response).
public struct LatencyPercentiles: Sendable, Equatable {
  public var p50Ms = 0.0
  public var p90Ms = 0.0
  public var p95Ms = 0.0
  public var p99Ms = 0.0

  public init() {}

  public init(_ totals: RunTotals) {
    p50Ms = totals.percentileMs(50)
    p90Ms = totals.percentileMs(90)
    p95Ms = totals.percentileMs(95)
    p99Ms = totals.percentileMs(99)
  }
}

/// The run's memory: one compact row per second, cumulative totals and the event list. Written by
/// the engine once a second, read by the screen and the summary; safe from any thread.
public final class MetricsStore: Sendable {
  private struct State {
    var samples: [SecondSample] = []
    var totals = RunTotals()
    var events: [RunEvent] = []
    var percentiles = LatencyPercentiles()
    /// Log errors counted since the last closed second; they join the next row.
    var pendingLogErrors: [String: Int]?
    /// The watched sources' latest figures and when they were read (monotonic seconds); nil when
    /// nothing is watched.
    var watch: (figures: [String: TargetFigure], readAt: Double)?
    var watchedSources: [String] = []
    var kneeTracker = KneeTracker()
    var thresholds = ThresholdTracker()
    /// The seconds since `startWindow()`: a capacity search's step, measured apart from the run.
    var window: RunTotals?
    var windowSeconds = 0.0
    var search: SearchProgress?
  }
  private let state = Mutex(State())

  public init() {}

  /// Closes one second: merges it into the totals and returns its row.
  @discardableResult
  public func ingest(_ bucket: SecondBucket, gauges: EngineGauges, duration: Double) -> SecondSample {
    var sample = SecondSample(bucket: bucket, gauges: gauges, duration: duration)
    state.withLock {
      sample.logErrors = $0.pendingLogErrors
      $0.pendingLogErrors = $0.pendingLogErrors.map { _ in [:] }
      if let watch = $0.watch {
        // Read once a second on the watcher's own clock: a reading older than two of its ticks
        // means the watcher fell behind, and the row shows a gap rather than old figures.
        sample.watch = Self.monotonicSeconds() - watch.readAt <= Self.watchFreshness ? watch.figures : [:]
      }
      $0.totals.add(bucket)
      if $0.window != nil {
        $0.window?.add(bucket)
        for (name, count) in sample.logErrors ?? [:] { $0.window?.logErrors[name, default: 0] += count }
        $0.windowSeconds += duration
      }
      $0.samples.append(sample)
      $0.percentiles = LatencyPercentiles($0.totals)
    }
    return sample
  }

  /// How old the watched figures may be when a row closes (the watcher reads once a second).
  static let watchFreshness = 2.5

  /// Declares that the target is watched: from now on every row carries a `watch` map, empty
  /// until the first reading, so a lane can tell "not read" from "not watched".
  public func enableWatch(sources: [String] = []) {
    state.withLock {
      $0.watch = $0.watch ?? ([:], -Double.infinity)
      $0.watchedSources = sources
    }
  }

  /// The watched sources as just read; the next row to close carries them.
  public func recordWatch(_ figures: [String: TargetFigure], readAt: Double = MetricsStore.monotonicSeconds())
  {
    state.withLock { $0.watch = (figures, readAt) }
  }

  /// Seconds on a clock that only moves forward, shared by the watcher and the store.
  public static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  /// Declares that log sources are followed: from now on every row carries a `log_errors` map,
  /// empty when the second had none, so a chart can tell "no errors" from "no logs".
  public func enableLogErrors() {
    state.withLock { $0.pendingLogErrors = $0.pendingLogErrors ?? [:] }
  }

  /// Error events found in the logs, counted in the run's totals now and in the row of the
  /// second that closes next: the second in which rampart read them.
  public func recordLogErrors(_ counts: [String: Int]) {
    state.withLock {
      var pending = $0.pendingLogErrors ?? [:]
      for (name, count) in counts {
        pending[name, default: 0] += count
        $0.totals.logErrors[name, default: 0] += count
      }
      $0.pendingLogErrors = pending
    }
  }

  /// Runs the knee detector on the rows so far. Returns the knee's event when the claim is new or
  /// moved to another vuser level, so the caller can journal it; nil otherwise.
  public func updateKnee() -> RunEvent? {
    // Detection runs outside the lock (it walks every row); only the engine's once-a-second
    // callback calls this, so the tracker cannot change meanwhile.
    let samples = state.withLock { $0.samples }
    var tracker = state.withLock { $0.kneeTracker }
    let previous = tracker.knee
    guard let knee = tracker.update(samples),
      previous?.vusers != knee.vusers || previous?.rate != knee.rate
    else {
      state.withLock { $0.kneeTracker = tracker }
      return nil
    }
    let event = RunEvent(
      elapsed: Double(Self.firstSecond(at: knee, in: samples) ?? knee.second), kind: .knee,
      value: knee.rate ?? Double(knee.vusers), label: knee.label)
    state.withLock {
      $0.kneeTracker = tracker
      $0.events.append(event)
    }
    return event
  }

  /// Where the run first reached the knee's vuser level (or its rate): its place on the time axis.
  static func firstSecond(at knee: Knee, in samples: [SecondSample]) -> Int? {
    if let rate = knee.rate {
      return samples.first { ($0.targetRate ?? 0) >= rate.rounded() }?.t
    }
    return samples.first { $0.targetVusers >= knee.vusers && $0.vusers >= knee.vusers }?.t
  }

  /// The thresholds checked live by `checkThresholds()`.
  public func setThresholds(_ thresholds: [Threshold]) {
    state.withLock { $0.thresholds = ThresholdTracker(thresholds) }
  }

  /// Checks the thresholds against the run so far (the closed seconds); call it once a second,
  /// after a second closes. Returns the latest results and a `threshold` event (journalled here
  /// too) for each threshold that went from passing to failing.
  public func checkThresholds() -> (results: [ThresholdResult], newlyFailing: [RunEvent]) {
    state.withLock { state in
      guard !state.thresholds.thresholds.isEmpty else { return ([], []) }
      let duration = state.samples.reduce(0) { $0 + $1.duration }
      let figures = ThresholdFigures(totals: state.totals, percentiles: state.percentiles, duration: duration)
      let events = state.thresholds.update(figures).map {
        RunEvent(elapsed: duration, kind: .threshold, value: $0.observed, label: $0.expr)
      }
      state.events += events
      return (state.thresholds.results, events)
    }
  }

  /// Where a capacity search stands, for the screen.
  public func setSearch(_ progress: SearchProgress) {
    state.withLock { $0.search = progress }
  }

  /// Measures the seconds ingested from now on apart from the run, until the next call.
  public func startWindow() {
    state.withLock {
      $0.window = RunTotals()
      $0.windowSeconds = 0
    }
  }

  /// The figures of the seconds ingested since `startWindow()` (all of them before any call).
  public func windowFigures() -> ThresholdFigures {
    state.withLock { state in
      guard let window = state.window else {
        return ThresholdFigures(
          snapshot: MetricsSnapshot(
            samples: state.samples, totals: state.totals, events: [], percentiles: state.percentiles))
      }
      return ThresholdFigures(
        totals: window, percentiles: LatencyPercentiles(window), duration: state.windowSeconds)
    }
  }

  public func record(_ event: RunEvent) {
    state.withLock { $0.events.append(event) }
  }

  public func snapshot() -> MetricsSnapshot {
    state.withLock {
      var snapshot = MetricsSnapshot(
        samples: $0.samples, totals: $0.totals, events: $0.events, percentiles: $0.percentiles,
        knee: $0.kneeTracker.knee, thresholds: $0.thresholds.results, search: $0.search)
      snapshot.kneeJudgement = $0.kneeTracker.judgement
      snapshot.watchedSources = $0.watchedSources
      return snapshot
    }
  }
}
