import Foundation
import Metrics

/// Throughput and latency against active vusers: the run drawn as a capacity curve, so runs
/// with different ramps (or one ramp against one backend and against two) meet on one axis.
/// The points are the knee detector's steps (settled plateaus merged by level, or bins of a
/// continuous ramp), so the curve and the knee agree.
public struct CapacityPoint: Sendable, Equatable, Codable {
  /// Mean active vusers over the point's seconds.
  public var vusers: Double
  /// Completed requests per second (errors included, as TPS is everywhere else).
  public var tps: Double
  public var mttMs: Double
  /// Completion-weighted mean of the per-second p99 of the point's settled seconds.
  public var p99Ms: Double
  public var errorRate: Double
  public var seconds: Int

  enum CodingKeys: String, CodingKey {
    case vusers, tps, mttMs = "mtt_ms", p99Ms = "p99_ms", errorRate = "error_rate", seconds
  }
}

public enum CapacityCurve {
  public static func points(_ samples: [SecondSample]) -> [CapacityPoint] {
    KneeDetector().steps(samples).map { step in
      CapacityPoint(
        vusers: step.vusers, tps: step.completedTps, mttMs: step.mttMs, p99Ms: step.p99Ms,
        errorRate: step.errorRate, seconds: step.seconds)
    }
  }

  /// The curve's value at `vusers`, linear between the points around it; nil outside the range
  /// the run covered (no extrapolation: a run that never reached 80 vusers says nothing there).
  public static func value(
    at vusers: Double, in points: [CapacityPoint], _ metric: (CapacityPoint) -> Double
  ) -> Double? {
    guard let first = points.first, let last = points.last else { return nil }
    let tolerance = 0.5
    if vusers < first.vusers - tolerance || vusers > last.vusers + tolerance { return nil }
    if vusers <= first.vusers { return metric(first) }
    if vusers >= last.vusers { return metric(last) }
    for (a, b) in zip(points, points.dropFirst()) where vusers >= a.vusers && vusers <= b.vusers {
      let span = b.vusers - a.vusers
      guard span > 1e-9 else { return metric(a) }
      let f = (vusers - a.vusers) / span
      return metric(a) + f * (metric(b) - metric(a))
    }
    return nil
  }
}
