import Foundation
import Metrics

/// The headline figures of one run, from its summary when it has one, else rebuilt from its
/// per-second rows (a killed run). Rebuilt percentiles are the completion-weighted mean of the
/// per-second ones, since the cumulative histogram died with the process: `exactPercentiles` says
/// which.
public struct RunFigures: Sendable, Equatable {
  public var requests: Int
  public var errors: Int
  public var errorRate: Double
  public var durationS: Double
  public var tps: Double
  public var tpsPeak: Double
  public var mttMs: Double
  public var p50Ms: Double
  public var p90Ms: Double
  public var p95Ms: Double
  public var p99Ms: Double
  public var maxMs: Double
  public var vusersPeak: Int
  public var errorsByKind: [String: Int]
  public var statusCodes: [String: Int]
  public var logErrors: [String: Int]?
  public var knee: Knee?
  public var tags: [RunSummary.Tag]
  public var pausedS: Double
  public var exactPercentiles: Bool
  /// Open model only (nil in a closed-model run): the mean rate offered, arrivals sent late and
  /// dropped, and the latency from the actual send (the figures above run from the intended start).
  public var offeredRps: Double?
  public var late: Int?
  public var dropped: Int?
  public var uncorrected: LatencyFigures?
  /// `rampart find` only: the search's answer (nil for other runs and a search killed before its
  /// summary).
  public var capacity: CapacityResult?
  /// The target's watched sources over the run (peak and mean CPU and memory), from the summary
  /// or rebuilt from the rows of a killed run; nil when nothing was watched.
  public var watch: [String: TargetSummary]?
  /// The summary's saturation notes (sources whose CPU sat flat from the knee on); nil without a
  /// summary or when nothing was watched.
  public var saturation: [SaturationNote]?

  /// The watched sources by name, sorted (a run directory keeps no order); empty when nothing
  /// was watched.
  public var watchedSources: [String] { (watch ?? [:]).keys.sorted() }

  public var model: LoadModelKind { offeredRps == nil ? .closed : .open }

  public init(_ run: LoadedRun) {
    let samples = run.samples
    let tags = run.events.filter { $0.kind == .tag }.map {
      RunSummary.Tag(elapsedS: $0.elapsed, label: $0.label ?? "")
    }
    // A capacity search moves the rate up and down on purpose: a knee read off it is an artefact.
    let searched = run.summary?.capacity != nil || run.events.contains { $0.kind == .searchStep }
    let detectedKnee = { searched ? nil : KneeDetector().detect(samples) }
    if let s = run.summary {
      self.init(
        requests: s.requests, errors: s.errors, errorRate: s.errorRate, durationS: s.durationS, tps: s.tps,
        tpsPeak: s.tpsPeak, mttMs: s.mttMs, p50Ms: s.p50Ms, p90Ms: s.p90Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms,
        maxMs: s.maxMs, vusersPeak: s.vusersPeak, errorsByKind: s.errorsByKind, statusCodes: s.statusCodes,
        logErrors: s.logErrors, knee: s.knee ?? detectedKnee(), tags: s.tags ?? tags,
        pausedS: s.pausedS ?? 0, exactPercentiles: true)
      offeredRps = s.offeredRps
      late = s.late
      dropped = s.dropped
      uncorrected = s.uncorrected
      capacity = s.capacity
      watch = s.watch ?? TargetSummary.of(samples)
      saturation = s.saturation
      return
    }
    let completed = samples.reduce(0) { $0 + $1.completed }
    let errors = samples.reduce(0) { $0 + $1.errors }
    let duration = samples.last.map { Double($0.t) + $0.duration } ?? 0
    let whole = samples.filter(\.isWhole)
    func weighted(_ value: (SecondSample) -> Double) -> Double {
      guard completed > 0 else { return 0 }
      return samples.reduce(0) { $0 + value($1) * Double($1.completed) } / Double(completed)
    }
    func summed(_ counts: (SecondSample) -> [String: Int]?) -> [String: Int] {
      samples.reduce(into: [:]) { total, sample in
        for (key, count) in counts(sample) ?? [:] { total[key, default: 0] += count }
      }
    }
    let (paused, _) = RunSummary.pausedTime(run.events, until: duration)
    self.init(
      requests: completed, errors: errors, errorRate: completed > 0 ? Double(errors) / Double(completed) : 0,
      durationS: duration, tps: duration > 0 ? Double(completed) / duration : 0,
      tpsPeak: (whole.isEmpty ? samples : whole).map(\.tps).max() ?? 0, mttMs: weighted(\.mttMs),
      p50Ms: weighted(\.p50Ms), p90Ms: weighted(\.p90Ms), p95Ms: weighted(\.p95Ms), p99Ms: weighted(\.p99Ms),
      maxMs: samples.map(\.maxMs).max() ?? 0, vusersPeak: samples.map(\.vusers).max() ?? 0,
      errorsByKind: summed(\.errorsByKind), statusCodes: summed(\.statusCodes),
      logErrors: samples.contains { $0.logErrors != nil } ? summed(\.logErrors) : nil,
      knee: detectedKnee(), tags: tags, pausedS: paused, exactPercentiles: false)
    watch = TargetSummary.of(samples)
    if samples.contains(where: { $0.offered != nil }) {
      offeredRps = duration > 0 ? Double(samples.reduce(0) { $0 + ($1.offered ?? 0) }) / duration : 0
      late = samples.reduce(0) { $0 + ($1.late ?? 0) }
      dropped = samples.reduce(0) { $0 + ($1.dropped ?? 0) }
      // Rebuilt as the percentiles above are: completion-weighted means of the rows' figures.
      func uncorrectedMean(_ value: (LatencyFigures) -> Double) -> Double {
        weighted { $0.uncorrected.map(value) ?? 0 }
      }
      uncorrected = LatencyFigures(
        mttMs: uncorrectedMean(\.mttMs), p50Ms: uncorrectedMean(\.p50Ms), p90Ms: uncorrectedMean(\.p90Ms),
        p95Ms: uncorrectedMean(\.p95Ms), p99Ms: uncorrectedMean(\.p99Ms),
        maxMs: samples.compactMap { $0.uncorrected?.maxMs }.max() ?? 0)
    }
  }

  public init(
    requests: Int, errors: Int, errorRate: Double, durationS: Double, tps: Double, tpsPeak: Double,
    mttMs: Double, p50Ms: Double, p90Ms: Double, p95Ms: Double, p99Ms: Double, maxMs: Double,
    vusersPeak: Int, errorsByKind: [String: Int], statusCodes: [String: Int], logErrors: [String: Int]?,
    knee: Knee?, tags: [RunSummary.Tag], pausedS: Double, exactPercentiles: Bool
  ) {
    self.requests = requests
    self.errors = errors
    self.errorRate = errorRate
    self.durationS = durationS
    self.tps = tps
    self.tpsPeak = tpsPeak
    self.mttMs = mttMs
    self.p50Ms = p50Ms
    self.p90Ms = p90Ms
    self.p95Ms = p95Ms
    self.p99Ms = p99Ms
    self.maxMs = maxMs
    self.vusersPeak = vusersPeak
    self.errorsByKind = errorsByKind
    self.statusCodes = statusCodes
    self.logErrors = logErrors
    self.knee = knee
    self.tags = tags
    self.pausedS = pausedS
    self.exactPercentiles = exactPercentiles
  }
}
