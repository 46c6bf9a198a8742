import Histogram

/// The whole run's latency histogram as a list of buckets, for `latency.json` in the run
/// directory: every percentile can be recomputed from it, and other tools' conventions applied to
/// it (wrk's coordinated-omission correction, for one: `Benchmarks/latency.sh`).
public struct LatencyDistribution: Codable, Sendable, Equatable {
  public var unit = "us"
  public var significantDigits = 3
  /// Responses with a latency (successes and HTTP errors).
  public var count: UInt64
  /// `[value, count]` pairs in ascending order; `value` is the highest latency its bucket holds,
  /// as `Histogram.valueAtPercentile` reports it.
  public var buckets: [[UInt64]]

  enum CodingKeys: String, CodingKey {
    case unit, significantDigits = "significant_digits", count, buckets
  }

  public init(_ histogram: Histogram<UInt64>) {
    count = histogram.totalCount
    buckets = histogram.recordedValues().map { [histogram.highestEquivalentForValue($0.value), $0.count] }
  }

  /// The latency at or below which `percentile` percent of the responses fall, in microseconds:
  /// the same value the histogram itself reports.
  public func value(atPercentile percentile: Double) -> UInt64 {
    guard count > 0 else { return 0 }
    let rank = max(1, UInt64((min(percentile, 100) / 100 * Double(count)).rounded(.up)))
    var seen: UInt64 = 0
    for bucket in buckets {
      seen += bucket[1]
      if seen >= rank { return bucket[0] }
    }
    return buckets.last?[0] ?? 0
  }
}
