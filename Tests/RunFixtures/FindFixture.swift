import Foundation
import Metrics
import RunStore

/// `rampart find` runs for the tests of what reads them (compare, the report): the real
/// `CapacitySearch` drives the rate against a simulated target that serves `capacity` requests/s
/// in about 20 ms and queues the rest (the queue's wait adds to every response; past half a second
/// of queue the surplus is refused with 503s), so p99, errors and the achieved rate break just past
/// the capacity. Fixed wobble instead of noise: the same runs on every machine. Each judged step
/// and the answer are events, as the executable journals them. One backend against two is the
/// seed question: capacities 173/s and 339/s, whose searches answer about +97% apart.
public enum FindFixture {
  public static let slos = ["p99<300ms", "errors<1%"]
  public static let oneBackend = 173.0
  public static let twoBackends = 339.0

  public static func settings() throws -> CapacitySearch.Settings {
    CapacitySearch.Settings(
      slos: try slos.map { try Threshold(parsing: $0) }, minRate: 25, maxRate: 2000, stepTime: 8,
      precision: 0.03, budget: 240)
  }

  /// The run built in memory, as `RunLoader` would read it from `directory`.
  public static func run(name: String, capacity: Double, started: Date, directory: String? = nil) throws
    -> LoadedRun
  {
    let settings = try settings()
    let directory = directory ?? "rampart-runs/\(name)"
    let meta = RunMeta(
      name: name, target: "http://127.0.0.1:18080/", method: "GET",
      plan: "find p99<300ms, errors<1%: 25/s to 2000/s, budget 4:00", vusersPeak: 0,
      duration: settings.budget,
      command: ["rampart", "find", "http://127.0.0.1:18080/", "--slo", "p99<300ms", "--slo", "errors<1%"],
      startedAt: started, host: "fixture", rampartVersion: "0.1.0", options: [:])
    let store = MetricsStore()
    var search = CapacitySearch(settings)
    var events: [RunEvent] = []
    var rate = search.firstRate
    var backlog = 0.0
    var answer: CapacityResult?
    var t = 0
    while answer == nil, Double(t) < settings.budget + 5 {
      let bucket = second(t, rate: rate, capacity: capacity, backlog: &backlog)
      let sample = store.ingest(bucket, gauges: gauges(rate, backlog, capacity), duration: 1)
      let before = search.steps.count
      let action = search.observe(sample) { store.windowFigures() }
      let at = Double(t + 1)
      if search.steps.count > before, let step = search.steps.last {
        events.append(
          RunEvent(
            elapsed: at, time: started.addingTimeInterval(at), kind: .searchStep, value: step.rate,
            label: step.verdict.rawValue))
      }
      switch action {
      case .none: break
      case .startWindow: store.startWindow()
      case .setRate(let next): rate = next
      case .finish(let result):
        answer = result
        events.append(
          RunEvent(
            elapsed: at, time: started.addingTimeInterval(at), kind: .capacity, value: result.capacityRps,
            label: result.headline))
      }
      t += 1
    }
    let snapshot = store.snapshot()
    let duration = Double(t)
    var summary = RunSummary(
      snapshot: snapshot, outcome: .complete, target: meta.target, startedAt: started,
      endedAt: started.addingTimeInterval(duration), duration: duration, inflightAtStop: 0, runDir: directory)
    summary.capacity = answer ?? search.stopped()
    return LoadedRun(
      directory: directory, meta: meta, samples: snapshot.samples, events: events, summary: summary)
  }

  /// The same run written through the real journal under `root` and read back.
  public static func write(root: String, name: String, capacity: Double, startMinute: Int = 120) throws
    -> LoadedRun
  {
    let started = CompareFixture.epoch.addingTimeInterval(Double(startMinute * 60))
    let built = try run(name: name, capacity: capacity, started: started)
    let journal = try RunJournal(root: root, meta: built.meta)
    for sample in built.samples { journal.append(sample) }
    for event in built.events { journal.append(event) }
    guard var summary = built.summary else { throw FixtureError("the search left no summary") }
    summary.runDir = journal.directory
    try journal.writeSummary(summary)
    return try RunLoader.load(journal.directory)
  }

  /// One second of the simulated target at `rate`: what it served from its queue, what it refused,
  /// and every response's latency with the queue's wait added.
  static func second(_ t: Int, rate: Double, capacity: Double, backlog: inout Double) -> SecondBucket {
    let arrivals = rate * (1 + 0.01 * sin(Double(t) * 1.7))
    let waiting = backlog + arrivals
    let served = min(waiting, capacity)
    let refused = max(0, waiting - served - capacity / 2)
    backlog = waiting - served - refused
    let waitedMs = backlog / capacity * 1000
    var bucket = SecondBucket(second: t, openModel: true)
    bucket.started = Int(arrivals.rounded())
    bucket.ok = Int(served.rounded())
    bucket.errors[ErrorKind.http5xx.index] = Int(refused.rounded())
    bucket.statusCodes = refused >= 0.5 ? [200: bucket.ok, 503: Int(refused.rounded())] : [200: bucket.ok]
    bucket.arrivals?.offered = Int(rate.rounded())
    let latencies = [(0.5, 20 * 0.9), (0.4, 20 * 1.05), (0.09, 20 * 1.5), (0.01, 20 * 2.5)].map {
      (served * $0.0, $0.1 + waitedMs)
    }
    for (count, ms) in latencies + [(refused, 2)] {
      bucket.recordLatency(micros: UInt64(ms * 1000), count: UInt64(count.rounded()))
    }
    bucket.bytesIn = bucket.ok * 160
    bucket.bytesOut = bucket.started * 80
    return bucket
  }

  /// The vusers the rate needs at the response time the queue makes (Little's law).
  static func gauges(_ rate: Double, _ backlog: Double, _ capacity: Double) -> EngineGauges {
    let vusers = Int((rate * (20 + backlog / capacity * 1000) / 1000).rounded(.up))
    return EngineGauges(vusers: vusers, targetVusers: vusers, connections: vusers, paused: false, rate: rate)
  }
}

struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
