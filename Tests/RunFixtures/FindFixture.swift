import Foundation
import Metrics
import RunStore
import SeededRandom

/// A `rampart find` run written through the real journal: the real `CapacitySearch` drives the
/// rate against a simulated target that serves `capacity` requests/s in 20 ms and queues the rest
/// (the queue's wait is added to every response's latency), so p99 breaks just past the capacity.
/// Each step and the answer are journalled as the executable does; seeded, the same files
/// everywhere. One backend against two is the seed question: capacities 200/s and 400/s.
public enum FindFixture {
  public static let slos = ["p99<300ms", "errors<1%"]

  /// The settings a test of the fixture's answer can reason with.
  public static func settings() throws -> CapacitySearch.Settings {
    CapacitySearch.Settings(
      slos: try slos.map { try Threshold(parsing: $0) }, minRate: 25, maxRate: 5000, stepTime: 5,
      precision: 0.05, budget: 180)
  }

  /// Writes the run and returns its directory and the search's answer.
  @discardableResult
  public static func write(root: String, name: String, capacity: Double, startMinute: Int = 120) throws
    -> (directory: String, result: CapacityResult)
  {
    let settings = try settings()
    let started = CompareFixture.epoch.addingTimeInterval(Double(startMinute * 60))
    let meta = RunMeta(
      name: name, target: "http://127.0.0.1:18080/", method: "GET",
      plan: "find p99<300ms, errors<1%: 25/s to 5000/s, budget 3:00", vusersPeak: 0,
      duration: settings.budget,
      command: ["rampart", "find", "http://127.0.0.1:18080/", "--slo", "p99<300ms", "--slo", "errors<1%"],
      startedAt: started, host: "fixture", rampartVersion: "0.1.0", options: [:])
    let journal = try RunJournal(root: root, meta: meta)
    let store = MetricsStore()
    var search = CapacitySearch(settings)
    var random = SplitMix64(seed: 20)
    var rate = search.firstRate
    var queued = 0.0
    var answer: CapacityResult?
    var t = 0
    while answer == nil, Double(t) < settings.budget + 5 {
      let arrivals = rate * (1 + 0.01 * random.normal())
      queued = max(0, queued + arrivals - capacity)
      let served = min(arrivals + queued, capacity)
      let waitedMs = queued / capacity * 1000
      var bucket = SecondBucket(second: t, openModel: true)
      bucket.started = Int(served.rounded())
      bucket.ok = Int(served.rounded())
      bucket.statusCodes = [200: bucket.ok]
      bucket.arrivals?.offered = Int(rate.rounded())
      for (share, factor) in [(0.5, 0.9), (0.4, 1.05), (0.09, 1.5), (0.01, 2.5)] {
        let count = UInt64((served * share).rounded())
        let micros = UInt64((20 * factor + waitedMs) * 1000)
        _ = bucket.histogram.record(micros, count: count)
        bucket.latencySumMicros += micros * count
        bucket.latencyMinMicros = min(bucket.latencyMinMicros, micros)
        bucket.latencyMaxMicros = max(bucket.latencyMaxMicros, micros)
      }
      let vusers = Int((rate * (20 + waitedMs) / 1000).rounded(.up))
      let gauges = EngineGauges(
        vusers: vusers, targetVusers: vusers, connections: vusers, paused: false, rate: rate)
      let sample = store.ingest(bucket, gauges: gauges, duration: 1)
      journal.append(sample)
      let before = search.steps.count
      let action = search.observe(sample) { store.windowFigures() }
      if search.steps.count > before, let step = search.steps.last {
        journal.append(
          RunEvent(elapsed: Double(t + 1), kind: .searchStep, value: step.rate, label: step.verdict.rawValue))
      }
      switch action {
      case .none: break
      case .startWindow: store.startWindow()
      case .setRate(let next): rate = next
      case .finish(let result):
        answer = result
        journal.append(
          RunEvent(elapsed: Double(t + 1), kind: .capacity, value: result.capacityRps, label: result.headline)
        )
      }
      t += 1
    }
    let result = answer ?? search.stopped()
    let duration = Double(t)
    var summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: meta.target, startedAt: started,
      endedAt: started.addingTimeInterval(duration), duration: duration, inflightAtStop: 0,
      runDir: journal.directory)
    summary.capacity = result
    try journal.writeSummary(summary)
    return (journal.directory, result)
  }
}
