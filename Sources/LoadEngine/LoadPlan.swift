import Foundation
import Metrics
import Vocabulary

/// How many vusers the run wants over time.
public enum LoadPlan: Sendable, Equatable {
  /// nGrinder style: start at `start`, add `step` every `every` seconds up to `max`. A constant load
  /// is a ramp with step 0.
  case steps(start: Int, step: Int, every: Double, max: Int)
  /// k6 style: each stage moves linearly from the previous target to its own over its duration.
  case stages([Stage])

  public struct Stage: Sendable, Equatable {
    public var duration: Double
    public var target: Int
    public init(duration: Double, target: Int) {
      self.duration = duration
      self.target = target
    }
  }

  /// The largest vuser count the plan asks for.
  public var peakVusers: Int {
    switch self {
    case .steps(let start, _, _, let max): Swift.max(start, max)
    case .stages(let stages): stages.map(\.target).max() ?? 0
    }
  }

  /// Seconds the plan runs by itself; nil when it holds its level until stopped.
  public var naturalDuration: Double? {
    switch self {
    case .steps: nil
    case .stages(let stages): stages.reduce(0) { $0 + $1.duration }
    }
  }

  /// "ramp 100 -> 1000 step 100/5s", "constant 50", "stages 30s:100 1m:100 30s:0".
  public var summary: String {
    switch self {
    case .steps(let start, let step, let every, let max):
      step == 0 || start >= max
        ? "constant \(start)"
        : "ramp \(start) -> \(max) step \(step)/\(DurationText.format(every))"
    case .stages(let stages):
      "stages " + stages.map { "\(DurationText.format($0.duration)):\($0.target)" }.joined(separator: " ")
    }
  }
}
