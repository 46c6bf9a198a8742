/// The run-wide figures thresholds are checked against: live from the store's totals, at the end
/// from the summary, so the final verdict uses exactly the numbers the summary prints.
public struct ThresholdFigures: Sendable, Equatable {
  public var durationS: Double
  /// Completed requests (successes and errors).
  public var requests: Int
  public var errors: Int
  public var errorsByKind: [String: Int]
  public var mttMs: Double
  public var p50Ms: Double
  public var p90Ms: Double
  public var p95Ms: Double
  public var p99Ms: Double
  public var maxMs: Double
  public var logErrors: [String: Int]

  public init(
    durationS: Double, requests: Int, errors: Int, errorsByKind: [String: Int] = [:], mttMs: Double = 0,
    p50Ms: Double = 0, p90Ms: Double = 0, p95Ms: Double = 0, p99Ms: Double = 0, maxMs: Double = 0,
    logErrors: [String: Int] = [:]
  ) {
    self.durationS = durationS
    self.requests = requests
    self.errors = errors
    self.errorsByKind = errorsByKind
    self.mttMs = mttMs
    self.p50Ms = p50Ms
    self.p90Ms = p90Ms
    self.p95Ms = p95Ms
    self.p99Ms = p99Ms
    self.maxMs = maxMs
    self.logErrors = logErrors
  }

  /// The run so far: `duration` is the time the closed seconds span.
  public init(totals: RunTotals, percentiles: LatencyPercentiles, duration: Double) {
    self.init(
      durationS: duration, requests: totals.completed, errors: totals.errorCount,
      errorsByKind: ErrorKind.countsByName(totals.errors), mttMs: totals.mttMs, p50Ms: percentiles.p50Ms,
      p90Ms: percentiles.p90Ms, p95Ms: percentiles.p95Ms, p99Ms: percentiles.p99Ms,
      maxMs: totals.histogram.totalCount > 0 ? Double(totals.latencyMaxMicros) / 1000 : 0,
      logErrors: totals.logErrors)
  }

  /// The whole run, as its summary reports it.
  public init(summary s: RunSummary) {
    self.init(
      durationS: s.durationS, requests: s.requests, errors: s.errors, errorsByKind: s.errorsByKind,
      mttMs: s.mttMs, p50Ms: s.p50Ms, p90Ms: s.p90Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms, maxMs: s.maxMs,
      logErrors: s.logErrors ?? [:])
  }

  /// The snapshot's run so far (the seconds closed until now).
  public init(snapshot: MetricsSnapshot) {
    self.init(
      totals: snapshot.totals, percentiles: snapshot.percentiles,
      duration: snapshot.samples.reduce(0) { $0 + $1.duration })
  }
}

/// One threshold checked: the `thresholds` entries of the summary (`expr`, `metric`, `ok`,
/// `observed`), and what the screen lists. `observed` is in the metric's unit: milliseconds for
/// latency, a fraction 0...1 for `error_rate`, requests/s for `tps`, else a count.
public struct ThresholdResult: Codable, Sendable, Equatable {
  public var expr: String
  public var metric: String
  public var ok: Bool
  public var observed: Double

  public init(expr: String, metric: String, ok: Bool, observed: Double) {
    self.expr = expr
    self.metric = metric
    self.ok = ok
    self.observed = observed
  }

  /// How `observed` reads, from the metric's name.
  public var unit: ThresholdUnit {
    switch metric {
    case "tps": .perSecond
    case "mtt", "avg", "p50", "p90", "p95", "p99", "max": .milliseconds
    case "error_rate", "achieved": .fraction
    default: .count
    }
  }

  /// `observed` as people read it: `312ms`, `4.00%`, `512.3/s`, `17`.
  public var observedText: String { unit.text(observed) }
}

extension Threshold {
  /// The figure this threshold looks at.
  public func observed(in f: ThresholdFigures) -> Double {
    switch metric {
    case .tps: f.durationS > 0 ? Double(f.requests) / f.durationS : 0
    case .mtt: f.mttMs
    case .p50: f.p50Ms
    case .p90: f.p90Ms
    case .p95: f.p95Ms
    case .p99: f.p99Ms
    case .max: f.maxMs
    case .errorCount: Double(f.errors)
    case .errorRate: f.requests > 0 ? Double(f.errors) / Double(f.requests) : 0
    case .errorKind(let kind): Double(f.errorsByKind[kind.rawValue] ?? 0)
    case .logErrors: Double(f.logErrors.values.reduce(0, +))
    case .logErrorClass(let name): Double(f.logErrors[name] ?? 0)
    }
  }

  public func check(_ figures: ThresholdFigures) -> ThresholdResult {
    let value = observed(in: figures)
    return ThresholdResult(
      expr: expression, metric: metric.name, ok: comparison.holds(value, limit), observed: value)
  }
}

extension Array where Element == Threshold {
  public func check(_ figures: ThresholdFigures) -> [ThresholdResult] { map { $0.check(figures) } }
}

/// The live side: the thresholds checked once a second as seconds close, remembering which were
/// failing so only a change from passing to failing is journalled.
public struct ThresholdTracker: Sendable {
  public private(set) var thresholds: [Threshold]
  /// The latest check; empty before the first closed second.
  public private(set) var results: [ThresholdResult] = []

  public init(_ thresholds: [Threshold] = []) {
    self.thresholds = thresholds
  }

  /// Checks every threshold; returns the ones that went from passing (or unchecked) to failing.
  public mutating func update(_ figures: ThresholdFigures) -> [ThresholdResult] {
    let previous = results
    results = thresholds.check(figures)
    return results.indices.filter { i in
      !results[i].ok && (previous.isEmpty || previous[i].ok)
    }.map { results[$0] }
  }

  public var failing: [ThresholdResult] { results.filter { !$0.ok } }
}
