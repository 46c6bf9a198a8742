import Dashboard
import Foundation
import Metrics

/// A synthetic open-model run with a known shape, for golden screens: a rate ramp from 1,000 to
/// 10,000 requests/s by 1,000 every minute against a target that completes at most 6,000/s with a
/// 20 ms service time, from a pool of at most 500 vusers. Up to 6,000/s achieved follows offered;
/// above it achieved stays flat, the pool is exhausted (client-limited), arrivals wait in the
/// backlog (late, then dropped once it holds 10,000) and the latency from the intended start grows
/// with the wait while the latency from the send stays near 500 / 6,000 s. The client's event loop
/// falls behind for five seconds from 200 s (client-limited below capacity), and the user sets the
/// rate to 7,000/s at 450 s.
public enum OpenRunFixture {
  public static let info = RunInfo(
    target: "http://127.0.0.1:8080/", plan: "rate 1000 -> 10000/s step 1000/1m",
    runDirectory: "rampart-runs/20261127T070000Z-127.0.0.1_8080", plannedDuration: 600, fileLimit: 1_048_576)

  public static let poolCap = 500
  public static let capacity = 6000
  public static let maxBacklog = 10_000
  public static let userRateAt = 450
  public static let userRate = 7000.0

  public static func rate(at t: Int) -> Double {
    t >= userRateAt ? userRate : Double(min(10_000, 1000 * (1 + t / 60)))
  }

  public static func snapshot(seconds: Int) -> MetricsSnapshot {
    let store = MetricsStore()
    store.record(RunEvent(elapsed: 0, time: RunFixture.epoch, kind: .start, label: info.plan))
    var backlog = 0
    for t in 0..<seconds {
      let offered = Int(rate(at: t))
      var arrivals = ArrivalTally()
      arrivals.offered = offered
      let completed = min(offered + backlog, capacity)
      let saturated = offered + backlog > capacity
      let inUse = saturated ? poolCap : offered / 50
      var waitMs = 0.0
      if saturated {
        backlog += offered - completed
        arrivals.dropped = max(0, backlog - maxBacklog)
        backlog = min(backlog, maxBacklog)
        arrivals.waitedForVuser = offered
        arrivals.late = offered - arrivals.dropped
        waitMs = Double(backlog) / Double(capacity) * 1000
      } else if (200..<205).contains(t) {
        arrivals.laggedBehind = offered / 10
        arrivals.late = offered / 4
        waitMs = 15
      } else {
        arrivals.late = offered / 500
      }
      // Little's law: a full pool turns over at the target's capacity.
      let serviceMs = saturated ? Double(poolCap) / Double(capacity) * 1000 : 20
      let errors = saturated ? completed / 50 : 0
      var bucket = SecondBucket(second: t)
      bucket.started = completed
      bucket.ok = completed - errors
      bucket.errors[ErrorKind.http5xx.index] = errors
      bucket.statusCodes = errors > 0 ? [200: completed - errors, 503: errors] : [200: completed]
      bucket.arrivals = arrivals
      LatencySpread.screens.record(completed, into: &bucket) { factor in
        let sent = UInt64(serviceMs * factor * 1000)
        // Latency from the intended start: every arrival of the second waited as long as the
        // backlog ahead of it (or the lagging loop) held it.
        return (sent + UInt64(waitMs * 1000), sent)
      }
      bucket.bytesIn = completed * 180
      bucket.bytesOut = completed * 90
      let gauges = EngineGauges(
        vusers: inUse, targetVusers: poolCap, connections: inUse, paused: false, rate: rate(at: t))
      store.ingest(bucket, gauges: gauges, duration: 1)
      _ = store.updateKnee()
      if t == userRateAt {
        store.record(RunEvent(elapsed: Double(t), time: RunFixture.epoch, kind: .setRate, value: userRate))
      }
    }
    return store.snapshot()
  }

  public static func status(_ phase: EngineStatus.Phase, seconds: Int) -> EngineStatus {
    EngineStatus(
      phase: phase, elapsed: Double(seconds), planElapsed: Double(seconds), pausedFor: 0,
      targetVusers: poolCap,
      rampHeld: false, rate: rate(at: seconds))
  }
}
