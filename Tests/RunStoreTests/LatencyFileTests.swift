import Foundation
import Metrics
import Testing

@testable import RunStore

@Suite(.timeLimit(.minutes(5))) struct LatencyFileTests {
  private func distribution(_ micros: [UInt64]) -> LatencyDistribution {
    var histogram = LatencyHistogram.make()
    for value in micros { _ = histogram.record(value) }
    return LatencyDistribution(histogram)
  }

  @Test func latencyIsWrittenPrivatelyAndReadsBack() throws {
    let tmp = try TempDir()
    let journal = try RunJournal(root: tmp.root, meta: meta())
    let written = distribution([120, 120, 350, 9_000, 2_500_000])
    try journal.writeLatency(written)

    let path = "\(journal.directory)/latency.json"
    #expect(fileMode(path)?.permissions == 0o600)
    let text = try #require(read(path))
    #expect(text.contains("\"significant_digits\":3"))
    let back = try JSONDecoder().decode(LatencyDistribution.self, from: Data(text.utf8))
    #expect(back == written)
    #expect(back.count == 5)
    #expect(back.buckets.map { $0[1] } == [2, 1, 1, 1])
    // A run with its latency but no summary yet is still an incomplete run.
    #expect(try RunLoader.load(journal.directory).outcome == .incomplete)
  }
}
