import Foundation
import SeededRandom

@testable import Metrics

/// Synthetic closed-model runs for the knee tests: a target by mean-value queueing and a step
/// ramp against it, one row per second.

/// A closed target with `capacity` requests per second (backends x workers / service time), seen
/// through mean-value queueing: N vusers with think time Z get X = min(N / (S + Z), C) and wait
/// R = max(S, N / C - Z).
struct ClosedTarget: CustomStringConvertible {
  var capacity: Double
  var service = 0.020
  var think = 0.0

  /// Little's law: N* = C x (S + Z).
  var kneeVusers: Double { capacity * (service + think) }
  func throughput(_ vusers: Double) -> Double { min(vusers / (service + think), capacity) }
  func responseTime(_ vusers: Double) -> Double { max(service, vusers / capacity - think) }

  var description: String { "C=\(Int(capacity)) Z=\(Int(think * 1000))ms" }
}

/// A step ramp against a `ClosedTarget`, one row per second, with multiplicative noise and a
/// transient in the first second of every step (half the old level, half the new).
struct RampRun {
  var target: ClosedTarget
  var levels: [Int]
  var secondsPerStep: (Int) -> Int = { _ in 5 }
  var noise = 0.03
  /// Share of completions that are (fast) 5xx, at every level.
  var errorShare = 0.0
  var seed: UInt64 = 7
  /// Overrides the response time (for a run whose bottleneck is not the target).
  var responseTime: ((Double) -> Double)?
  /// Overrides the throughput curve (for a rounded knee).
  var throughput: ((Double) -> Double)?

  init(_ target: ClosedTarget, levels: [Int]) {
    self.target = target
    self.levels = levels
  }

  /// From a quarter of the knee (at least 1 vuser) to well above it, 1 vuser per step.
  init(_ target: ClosedTarget) {
    let knee = Int(target.kneeVusers.rounded())
    self.init(target, levels: Array(max(1, knee / 4)...(2 * knee + 6)))
  }

  func x(_ n: Double) -> Double { throughput?(n) ?? target.throughput(n) }
  func r(_ n: Double) -> Double { responseTime?(n) ?? target.responseTime(n) }

  /// Each step's rows, in order.
  func stepRows() -> [[SecondSample]] {
    var rng = SplitMix64(seed: seed)
    var t = 0
    var previous = 0.0
    var rows: [[SecondSample]] = []
    for (index, level) in levels.enumerated() {
      let n = Double(level)
      var step: [SecondSample] = []
      for second in 0..<secondsPerStep(index) {
        let blend = second == 0 ? 0.5 : 1
        let completions = (blend * x(n) + (1 - blend) * x(previous)) * (1 + noise * rng.normal())
        let seconds = blend * r(n) + (1 - blend) * r(previous)
        step.append(
          closedRow(
            t: t, vusers: level, goodput: completions * (1 - errorShare), errors: completions * errorShare,
            mttMs: seconds * 1000 * (1 + noise * rng.normal())))
        t += 1
      }
      rows.append(step)
      previous = n
    }
    return rows
  }

  func samples() -> [SecondSample] { stepRows().flatMap { $0 } }

  /// The second at which the step at `level` ends (its last row's t).
  func lastSecond(ofLevel level: Int) -> Int? {
    guard let index = levels.firstIndex(of: level) else { return nil }
    return (0...index).reduce(0) { $0 + secondsPerStep($1) } - 1
  }
}

/// One second of a closed run at `vusers`, with `goodput` successes and `errors` fast 5xx.
func closedRow(
  t: Int, vusers: Int, target: Int? = nil, goodput: Double, errors: Double = 0, mttMs: Double,
  paused: Bool = false, duration: Double = 1
) -> SecondSample {
  let ok = max(0, Int(goodput.rounded()))
  let failed = max(0, Int(errors.rounded()))
  return SecondSample(
    t: t, duration: duration, vusers: vusers, targetVusers: target ?? vusers, connections: vusers,
    paused: paused, started: ok + failed, ok: ok, errors: failed,
    errorsByKind: failed > 0 ? ["http_5xx": failed] : [:],
    statusCodes: failed > 0 ? ["200": ok, "500": failed] : ["200": ok],
    tps: Double(ok + failed) / duration, mttMs: mttMs, minMs: mttMs * 0.5, maxMs: mttMs * 3,
    p50Ms: mttMs, p90Ms: mttMs * 1.5, p95Ms: mttMs * 1.8, p99Ms: mttMs * 2.5, bytesIn: 0, bytesOut: 0,
    connects: 0, staleRetries: 0, logErrors: nil)
}
