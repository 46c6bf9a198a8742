import DemoTarget
import Foundation
import LoadEngine
import Metrics
import TestSupport
import Testing

/// The open model's knee against a target whose capacity is known (issue 19): under a k6-style
/// ramping arrival rate, the offered rate where achieved throughput stops following is the
/// target's capacity.
@Suite(.timeLimit(.minutes(30)))
struct OpenKneeOnTargetTests {
  @Test("--rate-stage 0 -> 400/s over 30 s against 200 req/s of capacity: the knee within 10%")
  func kneeAtTheCapacity() async throws {
    try await HeavyTest.run {
      var targetConfig = TargetConfig()
      targetConfig.workers = 4
      targetConfig.service = 0.020
      // A short queue: overload answers 503 at once instead of growing a long wait.
      targetConfig.queue = 8
      let target = try await DemoTarget(config: targetConfig)
      var config = EngineConfig(
        target: try HTTPTarget(parsing: target.url), request: try RequestTemplate(),
        plan: .steps(start: 1, step: 0, every: 1, max: 1))
      config.open = OpenModel(plan: .stages(start: 0, [.init(duration: 30, target: 400)]), maxVusers: 100)
      config.requestTimeout = 5
      config.gracePeriod = 1
      let store = MetricsStore()
      _ = try await LoadEngine(config: config, store: store).run()
      await target.shutdown()
      let samples = store.snapshot().samples
      let knee = try #require(KneeDetector().detect(samples), "no knee in \(samples.map { $0.ok })")
      let rate = try #require(knee.rate)
      #expect(abs(rate / 200 - 1) <= 0.10, "knee at \(rate)/s offered; ok per second \(samples.map(\.ok))")
      #expect(abs(knee.tps / 200 - 1) <= 0.10, "knee tps \(knee.tps)")
    }
  }
}
