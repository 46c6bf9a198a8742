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
  ///
  /// With `watch`, three target sources are watched: `uvicorn`, whose CPU follows the throughput
  /// to the capacity and stays flat at 0.40 cores from the knee on (a CPU limit), with memory
  /// growing from 60 MiB; `nginx`, light (below the idle level a saturation note ignores); and `db`, not read from 200 s to 260 s (a gap).
  public static func snapshot(
    seconds: Int, pausedFrom: Int? = nil, logs: Bool = false, watch: Bool = false
  ) -> MetricsSnapshot {
    let store = MetricsStore()
    if logs { store.enableLogErrors() }
    if watch { store.enableWatch(sources: watchedSources) }
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
      if watch { store.recordWatch(watchFigures(at: t, throughput: Double(bucket.started))) }
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

  public static let watchedSources = ["uvicorn", "nginx", "db"]

  /// The sources' figures in second `t`: uvicorn's CPU is 0.40 cores at the 8,000 requests/s of
  /// capacity, with a small deterministic wobble as a real limit shows.
  static func watchFigures(at t: Int, throughput: Double) -> [String: TargetFigure] {
    let wobble = Double((t * 7) % 5 - 2) * 0.004
    var figures = [
      "uvicorn": TargetFigure(
        cpuCores: 0.4 * throughput / 8000 + wobble, rssBytes: 60 * 1_048_576 + Double(t) * 45_000),
      "nginx": TargetFigure(cpuCores: 0.03 * throughput / 8000, rssBytes: 9_500_000),
    ]
    if !(200..<260).contains(t) { figures["db"] = TargetFigure(cpuCores: 0.12, rssBytes: 210 * 1_048_576) }
    return figures
  }

  public static func status(_ phase: EngineStatus.Phase, seconds: Int, pausedFrom: Int? = nil) -> EngineStatus
  {
    let pausedFor = pausedFrom.map { Double(seconds - $0) } ?? 0
    return EngineStatus(
      phase: phase, elapsed: Double(seconds), planElapsed: Double(seconds) - pausedFor, pausedFor: pausedFor,
      targetVusers: vusers(at: pausedFrom ?? seconds), rampHeld: false)
  }
}
