import Foundation
import Metrics
import RunFixtures
import TerminalUI
import Testing
import Theme
import Vocabulary

@testable import Dashboard

/// The run's last row covers a fraction of a second (issue 18): its rate must not be extrapolated
/// into "TPS now" or the TPS chart, and the mean must not keep falling once the run is over.
@Suite(.timeLimit(.minutes(5)))
struct PartialSecondScreenTests {
  /// Ten whole seconds of 100 requests each, then 10 requests in the last 34 ms; drawn 30 s after
  /// the end, as a user who looks at the DONE screen later sees it.
  static func model() -> DashboardModel {
    let store = MetricsStore()
    for t in 0...10 {
      var bucket = SecondBucket(second: t)
      let count = t < 10 ? 100 : 10
      bucket.started = count
      bucket.ok = count
      bucket.statusCodes = [200: count]
      _ = bucket.histogram.record(2000, count: UInt64(count))
      bucket.latencySumMicros = 2000 * UInt64(count)
      bucket.latencyMinMicros = 2000
      bucket.latencyMaxMicros = 2000
      let gauges = EngineGauges(vusers: 1, targetVusers: 1, connections: 1, paused: false)
      store.ingest(bucket, gauges: gauges, duration: t < 10 ? 1 : 0.034)
    }
    var status = RunFixture.status(.done, seconds: 40)
    status.planElapsed = 10.034
    return DashboardModel(
      info: RunFixture.info, status: status, metrics: store.snapshot(), state: DashboardState(),
      theme: .builtInDefault, symbols: .unicode, dots: .braille)
  }

  @Test func ratesComeFromWholeSecondsAndTheMeanFromTheRowsCovered() {
    let model = Self.model()
    #expect(model.metrics.samples.last?.tps ?? 0 > 290, "the fixture's last row extrapolates")
    let lines = DashboardView.render(model, width: 120, height: 40).lines()
    let text = lines.joined(separator: "\n")
    func row(_ label: String) -> String? {
      lines.first { $0.contains(label) }.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    #expect(row("TPS now")?.hasSuffix(" " + CountText.format(100)) == true, "\(row("TPS now") ?? text)")
    #expect(row("TPS peak")?.contains(CountText.format(100)) == true)
    // 1,010 requests over the 10.034 s the rows cover, not over the 40 s since the start.
    #expect(row("TPS mean")?.contains(CountText.format(1010 / 10.034)) == true, "\(row("TPS mean") ?? text)")
    #expect(text.contains("now \(CountText.format(100))  ok \(CountText.format(100))"), "\(text)")
    #expect(!text.contains(CountText.format(294)), "an extrapolated rate is on screen:\n\(text)")
  }
}
