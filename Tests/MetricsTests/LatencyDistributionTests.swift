import Foundation
import Histogram
import Testing

@testable import Metrics

@Suite(.timeLimit(.minutes(5))) struct LatencyDistributionTests {
  @Test func percentilesMatchTheHistogramsOwn() throws {
    var histogram = LatencyHistogram.make()
    var seed: UInt64 = 42
    for _ in 0..<20_000 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // Spread over four decades, as a run's latencies are.
      let exponent = Double(seed >> 11) / Double(1 << 53) * 4
      _ = histogram.record(UInt64(100 * pow(10, exponent)))
    }
    let distribution = LatencyDistribution(histogram)
    #expect(distribution.count == 20_000)
    #expect(distribution.buckets.reduce(0) { $0 + $1[1] } == 20_000)
    #expect(distribution.buckets.map { $0[0] } == distribution.buckets.map { $0[0] }.sorted())
    for p in [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99] {
      #expect(distribution.value(atPercentile: p) == histogram.valueAtPercentile(p), "p\(p)")
    }
    // At 100% the histogram names its largest value exactly; the file has that value's bucket.
    let top = distribution.value(atPercentile: 100)
    #expect(histogram.valuesAreEquivalent(top, histogram.valueAtPercentile(100)))
  }

  @Test func emptyRunHasNoBuckets() {
    let distribution = LatencyDistribution(LatencyHistogram.make())
    #expect(distribution.count == 0)
    #expect(distribution.buckets.isEmpty)
    #expect(distribution.value(atPercentile: 99) == 0)
  }
}
