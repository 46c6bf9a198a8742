import Dashboard
import Foundation
import Metrics

/// Synthetic runs with a known shape, for golden screens: a closed-model target with a 50 ms
/// service time and a capacity of 8,000 requests/s, ramped from 100 to 1,000 vusers by 100
/// every minute. Below 400 vusers TPS grows with the vusers; above, TPS stays at capacity,
/// latency grows (Little's law) and timeouts and resets appear.
public enum RunFixture {
  public static let info = RunInfo(
    target: "http://127.0.0.1:8080/", plan: "ramp 100 -> 1000 step 100/1m",
    runDirectory: "rampart-runs/20261127T063000Z-127.0.0.1_8080", plannedDuration: 600, fileLimit: 1_048_576)

  public static let epoch = Date(timeIntervalSince1970: 1_795_000_000)

  public static func vusers(at t: Int) -> Int { min(1000, 100 * (1 + t / 60)) }

  /// With `logs`, the target's logs are followed too: BrokenPipeError tracebacks once timeouts
  /// start (above 400 vusers), 5xx access lines above 600, upstream timeouts above 800.
  public static func snapshot(seconds: Int, pausedFrom: Int? = nil, logs: Bool = false) -> MetricsSnapshot {
    let store = MetricsStore()
    if logs { store.enableLogErrors() }
    store.record(RunEvent(elapsed: 0, time: epoch, kind: .start, label: info.plan))
    for t in 0..<seconds {
      let paused = pausedFrom.map { t >= $0 } ?? false
      let v = vusers(at: pausedFrom.map { min(t, $0) } ?? t)
      var bucket = SecondBucket(second: t)
      if !paused {
        let throughput = min(Double(v) / 0.05, 8000)
        let latencyMs = Double(v) / throughput * 1000
        let total = Int(throughput)
        let errorShare = v > 400 ? Double(v - 400) / 600 * 0.05 : 0
        let timeouts = Int(Double(total) * errorShare)
        let resets = v > 700 ? total / 200 : 0
        let ok = total - timeouts - resets
        bucket.started = total
        bucket.ok = ok
        bucket.errors[ErrorKind.timeout.index] = timeouts
        bucket.errors[ErrorKind.readReset.index] = resets
        bucket.statusCodes = [200: ok]
        LatencySpread.screens.record(ok, typicalMs: latencyMs, into: &bucket)
        bucket.bytesIn = ok * 180
        bucket.bytesOut = total * 90
        if logs {
          var counts = ["BrokenPipeError": timeouts / 20]
          if v > 600 { counts["access_5xx"] = (v - 600) / 20 }
          if v > 800 { counts["upstream_timed_out"] = 2 }
          store.recordLogErrors(counts.filter { $0.value > 0 })
        }
      }
      let gauges = EngineGauges(vusers: v, targetVusers: v, connections: v, paused: paused)
      store.ingest(bucket, gauges: gauges, duration: 1)
      // As the runner does once a second: the knee claim follows the completed steps.
      _ = store.updateKnee()
      // A user's ramp change and a tag, as the journal would hold them.
      if t == 150 { store.record(RunEvent(elapsed: 150, time: epoch, kind: .rampStep, value: 100)) }
      if t == 250 { store.record(RunEvent(elapsed: 250, time: epoch, kind: .tag, label: "knee?")) }
    }
    if let pausedFrom, pausedFrom < seconds {
      store.record(RunEvent(elapsed: Double(pausedFrom), time: epoch, kind: .pause))
    }
    return store.snapshot()
  }

  public static func status(_ phase: EngineStatus.Phase, seconds: Int, pausedFrom: Int? = nil) -> EngineStatus
  {
    let pausedFor = pausedFrom.map { Double(seconds - $0) } ?? 0
    return EngineStatus(
      phase: phase, elapsed: Double(seconds), planElapsed: Double(seconds) - pausedFor, pausedFor: pausedFor,
      targetVusers: vusers(at: pausedFrom ?? seconds), rampHeld: false)
  }
}
