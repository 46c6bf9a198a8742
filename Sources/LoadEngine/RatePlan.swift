import Metrics
import Vocabulary

/// How many requests per second the open model offers over time (k6's arrival-rate executors,
/// wrk2's `-R`).
public enum RatePlan: Sendable, Equatable {
  /// Start at `start` requests/s and add `step` every `every` seconds up to `max`; a constant rate
  /// is a ramp with step 0.
  case steps(start: Double, step: Double, every: Double, max: Double)
  /// k6's ramping-arrival-rate: from `start`, each stage moves linearly to its target over its
  /// duration, and the rate stays at the last target until the run is stopped.
  case stages(start: Double, [Stage])

  public struct Stage: Sendable, Equatable {
    public var duration: Double
    public var target: Double
    public init(duration: Double, target: Double) {
      self.duration = duration
      self.target = target
    }
  }

  public static func constant(_ rate: Double) -> RatePlan {
    .steps(start: rate, step: 0, every: 1, max: rate)
  }

  /// The plan as the arrival schedule the event loops pace from.
  public var schedule: ArrivalSchedule {
    switch self {
    case .steps(let start, let step, let every, let max):
      guard step > 0, every > 0, start < max else { return ArrivalSchedule(constant: start) }
      var points: [(time: Double, rate: Double)] = [(0, start)]
      var level = start
      var time = 0.0
      while level < max {
        time += every
        points.append((time, level))
        level = Swift.min(max, level + step)
        points.append((time, level))
      }
      return ArrivalSchedule(points: points)
    case .stages(let start, let stages):
      var points: [(time: Double, rate: Double)] = [(0, start)]
      var time = 0.0
      for stage in stages {
        time += stage.duration
        points.append((time, stage.target))
      }
      return ArrivalSchedule(points: points)
    }
  }

  /// The highest rate the plan asks for.
  public var peakRate: Double {
    switch self {
    case .steps(let start, _, _, let max): Swift.max(start, max)
    case .stages(let start, let stages): ([start] + stages.map(\.target)).max() ?? 0
    }
  }

  /// Seconds the plan runs by itself; nil when it holds its rate until stopped.
  public var naturalDuration: Double? {
    switch self {
    case .steps: nil
    case .stages(_, let stages): stages.reduce(0) { $0 + $1.duration }
    }
  }

  /// "rate 2000/s", "rate 100/s -> 3000/s step 100/10s", "rate stages 1m:500 4m:5000".
  public var summary: String {
    switch self {
    case .steps(let start, let step, let every, let max):
      step == 0 || start >= max
        ? "rate \(RateText.setting(start))"
        : "rate \(RateText.setting(start)) -> \(RateText.setting(max)) step \(RateText.format(step))/\(DurationText.format(every))"
    case .stages(let start, let stages):
      "rate stages " + (start > 0 ? "from \(RateText.setting(start)) " : "")
        + stages.map { "\(DurationText.format($0.duration)):\(RateText.format($0.target))" }.joined(
          separator: " ")
    }
  }
}
