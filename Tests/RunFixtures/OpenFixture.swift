import Foundation
import Metrics
import RunStore
import SeededRandom

/// An open-model run written through the real journal: a rate step ramp (50/s more every 8 s, up
/// to 500/s) against a target of 300 req/s. Past the capacity, the surplus is answered 503 at
/// once, arrivals wait for a vuser (late) and the latency from the intended start climbs while the
/// latency from the send stays near the 20 ms service time. Seeded: the same files everywhere.
public enum OpenFixture {
  public static let capacity = 300.0
  public static let seconds = 80

  public static func rate(at t: Int) -> Double { min(500, 50 * Double(1 + t / 8)) }

  @discardableResult
  public static func write(root: String, name: String = "open-rate", startMinute: Int = 60) throws -> String {
    let started = CompareFixture.epoch.addingTimeInterval(Double(startMinute * 60))
    let meta = RunMeta(
      name: name, target: "http://127.0.0.1:18080/", method: "GET",
      plan: "rate 50/s -> 500/s step 50/8s", vusersPeak: 200, duration: Double(seconds),
      command: ["rampart", "run", "http://127.0.0.1:18080/", "--rate", "500", "--rate-step", "50"],
      startedAt: started, host: "fixture", rampartVersion: "0.1.0", options: [:])
    let journal = try RunJournal(root: root, meta: meta)
    let store = MetricsStore()
    var random = SplitMix64(seed: 19)
    for t in 0..<seconds {
      let offered = rate(at: t)
      let answered = min(offered, capacity) * (1 + 0.02 * random.normal())
      let ok = Int(answered.rounded())
      let refused = max(0, Int(offered.rounded()) - ok)
      let overload = max(0, offered / capacity - 1)
      var bucket = SecondBucket(second: t, openModel: true)
      bucket.started = ok + refused
      bucket.ok = ok
      bucket.errors[ErrorKind.http5xx.index] = refused
      bucket.statusCodes = refused > 0 ? [200: ok, 503: refused] : [200: ok]
      bucket.arrivals?.offered = Int(offered.rounded())
      if overload > 0 {
        let late = Int(offered * min(1, overload))
        bucket.arrivals?.late = late
        bucket.arrivals?.waitedForVuser = late
      }
      let serviceMs = 20.0
      let waitedMs = overload * 400
      LatencySpread.journalled.record(ok + refused, into: &bucket) { factor in
        (UInt64((serviceMs + waitedMs) * factor * 1000), UInt64(serviceMs * factor * 1000))
      }
      bucket.bytesIn = ok * 160
      bucket.bytesOut = (ok + refused) * 80
      let pool = Int((offered * (serviceMs + waitedMs) / 1000).rounded(.up))
      let gauges = EngineGauges(
        vusers: pool, targetVusers: 200, connections: pool, paused: false, rate: offered)
      journal.append(store.ingest(bucket, gauges: gauges, duration: 1))
      if let knee = store.updateKnee() { journal.append(knee) }
    }
    let duration = Double(seconds)
    let summary = RunSummary(
      snapshot: store.snapshot(), outcome: .complete, target: meta.target, startedAt: started,
      endedAt: started.addingTimeInterval(duration), duration: duration, inflightAtStop: 0,
      runDir: journal.directory)
    try journal.writeSummary(summary)
    return journal.directory
  }
}
