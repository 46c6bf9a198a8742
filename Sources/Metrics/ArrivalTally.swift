import Histogram

/// What the open model adds to a second (merged from every loop) or to a whole run: the arrivals
/// that came due (offered), those sent more than `lateNanos` after they were due, those dropped
/// because the backlog was full, whether the client held arrivals back, and the latency measured
/// from the actual send beside the one from the intended start that the main histogram holds.
public struct ArrivalTally: Sendable {
  /// An arrival sent later than this after it was due counts as late.
  public static let lateNanos: UInt64 = 1_000_000
  /// A loop that hands an arrival out this late has fallen behind its schedule: timer jitter and
  /// a busy turn stay well under it, a saturated client does not.
  public static let lagNanos: UInt64 = 10_000_000

  public var offered = 0
  public var late = 0
  public var dropped = 0
  /// Arrivals that waited because every vuser was busy and the pool was at its cap (or its new
  /// vusers were still connecting).
  public var waitedForVuser = 0
  /// Arrivals that waited because every vuser was busy and the pool was held below its cap: more
  /// vusers had stopped adding completions, so the target, not the client, was the limit. Not
  /// counted as the client holding arrivals back.
  public var heldBack = 0
  /// Of `dropped`, those dropped at a full backlog while the pool was held (as `heldBack`).
  public var droppedHeld = 0
  /// Arrivals handed out more than `lagNanos` after they were due although a vuser was free: the
  /// event loop itself fell behind (client CPU).
  public var laggedBehind = 0
  /// Latency from the first byte sent to the response: what a closed-model tool would report.
  public var uncorrected = LatencyHistogram.make()
  public var uncorrectedSumMicros: UInt64 = 0

  public init() {}

  /// The client, not the target, held arrivals back: the pool was exhausted, arrivals were
  /// dropped with the pool at its cap, or the loop fell behind its schedule. A held pool is not
  /// the client's limit: it is held because more vusers stopped adding completions.
  public var generatorLimited: Bool { waitedForVuser > 0 || dropped > droppedHeld || laggedBehind > 0 }

  public mutating func recordUncorrected(micros: UInt64) {
    let value = max(1, min(micros, LatencyHistogram.highestTrackableMicros))
    _ = uncorrected.record(value)
    uncorrectedSumMicros &+= value
  }

  public mutating func merge(_ other: ArrivalTally) {
    offered += other.offered
    late += other.late
    dropped += other.dropped
    waitedForVuser += other.waitedForVuser
    heldBack += other.heldBack
    droppedHeld += other.droppedHeld
    laggedBehind += other.laggedBehind
    if other.uncorrected.totalCount > 0 { uncorrected.add(other.uncorrected) }
    uncorrectedSumMicros &+= other.uncorrectedSumMicros
  }

  /// The uncorrected latency as the figures a row or a summary shows.
  public var uncorrectedFigures: LatencyFigures {
    LatencyFigures(uncorrected, sumMicros: uncorrectedSumMicros)
  }
}

/// One latency distribution reduced to the figures rampart reports (`uncorrected` in a row, a
/// summary and `--json`).
public struct LatencyFigures: Codable, Sendable, Equatable {
  public var mttMs: Double
  public var p50Ms: Double
  public var p90Ms: Double
  public var p95Ms: Double
  public var p99Ms: Double
  public var maxMs: Double

  enum CodingKeys: String, CodingKey {
    case mttMs = "mtt_ms", p50Ms = "p50_ms", p90Ms = "p90_ms", p95Ms = "p95_ms", p99Ms = "p99_ms"
    case maxMs = "max_ms"
  }

  public init(mttMs: Double, p50Ms: Double, p90Ms: Double, p95Ms: Double, p99Ms: Double, maxMs: Double) {
    self.mttMs = mttMs
    self.p50Ms = p50Ms
    self.p90Ms = p90Ms
    self.p95Ms = p95Ms
    self.p99Ms = p99Ms
    self.maxMs = maxMs
  }

  /// Zeros for an empty histogram.
  public init(_ histogram: Histogram<UInt64>, sumMicros: UInt64) {
    let count = histogram.totalCount
    func ms(_ micros: UInt64) -> Double { count > 0 ? Double(micros) / 1000 : 0 }
    self.init(
      mttMs: count > 0 ? Double(sumMicros) / Double(count) / 1000 : 0,
      p50Ms: ms(histogram.valueAtPercentile(50)), p90Ms: ms(histogram.valueAtPercentile(90)),
      p95Ms: ms(histogram.valueAtPercentile(95)), p99Ms: ms(histogram.valueAtPercentile(99)),
      maxMs: ms(histogram.max))
  }
}
