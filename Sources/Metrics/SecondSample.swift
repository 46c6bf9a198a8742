import Histogram

/// One row of the per-second series: what the screen draws and `series.jsonl` stores. Small and
/// flat so an hour-long run keeps only a few hundred kilobytes of them.
public struct SecondSample: Codable, Sendable, Equatable {
  /// Seconds since the run started; the row covers [t, t + duration).
  public var t: Int
  public var duration: Double
  public var vusers: Int
  public var targetVusers: Int
  public var connections: Int
  public var paused: Bool
  public var started: Int
  public var ok: Int
  public var errors: Int
  public var errorsByKind: [String: Int]
  public var statusCodes: [String: Int]
  public var tps: Double
  public var mttMs: Double
  public var minMs: Double
  public var maxMs: Double
  public var p50Ms: Double
  public var p90Ms: Double
  public var p95Ms: Double
  public var p99Ms: Double
  public var bytesIn: Int
  public var bytesOut: Int
  public var connects: Int
  public var staleRetries: Int
  /// Error events read from the target's logs during this second, by class (absent when no log
  /// source is followed, so runs without logs keep their rows short).
  public var logErrors: [String: Int]?
  /// The target's watched sources as last read when this second closed, by name (absent when
  /// nothing is watched; a source missing from the map could not be read).
  public var watch: [String: TargetFigure]?
  /// Open model only (absent from closed-model rows): arrivals that came due this second, those
  /// sent late and those dropped, whether the client held arrivals back, and the latency from the
  /// actual send (the row's own percentiles run from the intended start).
  public var offered: Int?
  /// The rate the plan asked for as the second closed (its level, as `targetVusers` is the
  /// closed model's): the open model's knee groups seconds by it.
  public var targetRate: Double?
  public var late: Int?
  public var dropped: Int?
  /// Open model, when not 0: arrivals that waited because the pool was held where more vusers
  /// stopped adding completions, and those of `dropped` dropped while it was held.
  public var heldBack: Int?
  public var droppedHeld: Int?
  public var generatorLimited: Bool?
  public var uncorrected: LatencyFigures?

  enum CodingKeys: String, CodingKey {
    case t, duration = "duration_s", vusers, targetVusers = "target_vusers", connections, paused
    case started, ok, errors, errorsByKind = "errors_by_kind", statusCodes = "status_codes", tps
    case mttMs = "mtt_ms", minMs = "min_ms", maxMs = "max_ms", p50Ms = "p50_ms", p90Ms = "p90_ms"
    case p95Ms = "p95_ms", p99Ms = "p99_ms", bytesIn = "bytes_in", bytesOut = "bytes_out"
    case connects, staleRetries = "stale_retries", logErrors = "log_errors", watch
    case offered, targetRate = "target_rate", late, dropped
    case heldBack = "held_back", droppedHeld = "dropped_held"
    case generatorLimited = "generator_limited",
      uncorrected
  }

  public var completed: Int { ok + errors }

  /// The error count of one kind this second.
  public func errors(_ kind: ErrorKind) -> Int { errorsByKind[kind.rawValue] ?? 0 }

  /// Log error events of one class this second.
  public func logErrors(_ errorClass: String) -> Int { logErrors?[errorClass] ?? 0 }
}

/// Gauges sampled by the engine at the end of a second, next to the counters it merged.
public struct EngineGauges: Sendable, Equatable {
  public var vusers: Int
  public var targetVusers: Int
  public var connections: Int
  public var paused: Bool
  /// Open model: the rate asked for as the second closed; nil in the closed model.
  public var rate: Double?

  public init(vusers: Int, targetVusers: Int, connections: Int, paused: Bool, rate: Double? = nil) {
    self.vusers = vusers
    self.targetVusers = targetVusers
    self.connections = connections
    self.paused = paused
    self.rate = rate
  }
}

extension SecondSample {
  /// Whether the row covers a whole second. Only the run's last row may not: its rate is a guess
  /// from a fraction of a second (10 requests in 34 ms reads as 295/s), so rates, "now" and peaks
  /// are read from whole rows; counts of every row still add up to the run's totals.
  public var isWhole: Bool { duration >= 0.999 }

  /// Reduces a merged bucket to its row. `duration` is 1 except for the final partial second.
  public init(bucket: SecondBucket, gauges: EngineGauges, duration: Double) {
    let h = bucket.histogram
    let hasLatency = h.totalCount > 0
    func ms(_ micros: UInt64) -> Double { hasLatency ? Double(micros) / 1000 : 0 }
    self.init(
      t: bucket.second, duration: duration, vusers: gauges.vusers,
      targetVusers: gauges.targetVusers, connections: gauges.connections, paused: gauges.paused,
      started: bucket.started, ok: bucket.ok, errors: bucket.errorCount,
      errorsByKind: ErrorKind.countsByName(bucket.errors),
      statusCodes: Dictionary(uniqueKeysWithValues: bucket.statusCodes.map { (String($0), $1) }),
      tps: duration > 0 ? Double(bucket.completed) / duration : 0,
      mttMs: hasLatency ? Double(bucket.latencySumMicros) / Double(h.totalCount) / 1000 : 0,
      minMs: ms(bucket.latencyMinMicros), maxMs: ms(bucket.latencyMaxMicros),
      p50Ms: ms(h.valueAtPercentile(50)), p90Ms: ms(h.valueAtPercentile(90)),
      p95Ms: ms(h.valueAtPercentile(95)), p99Ms: ms(h.valueAtPercentile(99)),
      bytesIn: bucket.bytesIn, bytesOut: bucket.bytesOut, connects: bucket.connectionsOpened,
      staleRetries: bucket.staleRetries, logErrors: nil)
    if let arrivals = bucket.arrivals {
      offered = arrivals.offered
      targetRate = gauges.rate
      late = arrivals.late
      dropped = arrivals.dropped
      heldBack = arrivals.heldBack > 0 ? arrivals.heldBack : nil
      droppedHeld = arrivals.droppedHeld > 0 ? arrivals.droppedHeld : nil
      generatorLimited = arrivals.generatorLimited
      uncorrected = arrivals.uncorrectedFigures
    }
  }

  /// Open model: the rate offered this second (arrivals due per second of the row).
  public var offeredRate: Double? { offered.map { duration > 0 ? Double($0) / duration : 0 } }
}

extension ErrorKind {
  /// Non-zero counts by stable name, from a dense per-kind array.
  public static func countsByName(_ counts: [Int]) -> [String: Int] {
    var out: [String: Int] = [:]
    for kind in allCases where counts[kind.index] > 0 { out[kind.rawValue] = counts[kind.index] }
    return out
  }
}
