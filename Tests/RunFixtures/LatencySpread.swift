import Metrics

/// How every synthetic second spreads its requests' latencies: a few levels around a typical
/// latency (half a little faster, a long tail), recorded into a bucket's histogram and its sum,
/// minimum and maximum exactly as the engine records them. The one place the run generators fill
/// a histogram.
public struct LatencySpread: Sendable {
  /// Each level's share of the second's requests and its latency as a multiple of the typical one.
  public let levels: [(share: Double, factor: Double)]

  /// The golden screens' runs (`RunFixture`, `OpenRunFixture`): a wider tail.
  public static let screens = LatencySpread(levels: [(0.5, 0.8), (0.4, 1.1), (0.09, 1.6), (0.01, 3.0)])
  /// The journalled runs (`CompareFixture`, `OpenFixture`).
  public static let journalled = LatencySpread(levels: [(0.5, 0.9), (0.4, 1.05), (0.09, 1.5), (0.01, 2.5)])

  /// Records `requests` at `typicalMs` times each level's factor.
  public func record(_ requests: Int, typicalMs: Double, into bucket: inout SecondBucket) {
    record(requests, into: &bucket) { factor in (UInt64(typicalMs * factor * 1000), nil) }
  }

  /// Records `requests` with each level's latency from `micros`: from the intended start, and
  /// (open model) from the send, which goes to the bucket's uncorrected histogram.
  public func record(
    _ requests: Int, into bucket: inout SecondBucket,
    micros: (_ factor: Double) -> (intended: UInt64, sent: UInt64?)
  ) {
    for (share, factor) in levels {
      let count = UInt64(Double(requests) * share)
      let (intended, sent) = micros(factor)
      _ = bucket.histogram.record(intended, count: count)
      bucket.latencySumMicros += intended * count
      bucket.latencyMinMicros = min(bucket.latencyMinMicros, intended)
      bucket.latencyMaxMicros = max(bucket.latencyMaxMicros, intended)
      if let sent {
        _ = bucket.arrivals?.uncorrected.record(sent, count: count)
        bucket.arrivals?.uncorrectedSumMicros += sent * count
      }
    }
  }
}
