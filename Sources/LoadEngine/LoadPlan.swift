import Foundation

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

/// Parsing and printing of durations as users type them: "500ms", "5s", "1m30s", "2h", "1.5s".
public enum DurationText {
  public static func parse(_ text: String) -> Double? {
    var total = 0.0
    var rest = Substring(text.trimmingCharacters(in: .whitespaces))
    guard !rest.isEmpty else { return nil }
    if let plain = Double(rest), plain.isFinite { return plain >= 0 ? plain : nil }
    let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("h", 3600), ("m", 60), ("s", 1)]
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number) else { return nil }
      rest = rest.dropFirst(number.count)
      guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
      rest = rest.dropFirst(unit.count)
      total += value * scale
    }
    return total.isFinite ? total : nil
  }

  public static func format(_ seconds: Double) -> String {
    if seconds < 1 && seconds > 0 { return "\(Int((seconds * 1000).rounded()))ms" }
    let whole = Int(seconds.rounded())
    if Double(whole) != seconds { return String(format: "%.1fs", seconds) }
    if whole >= 3600 && whole % 3600 == 0 { return "\(whole / 3600)h" }
    if whole >= 60 && whole % 60 == 0 { return "\(whole / 60)m" }
    if whole > 60 { return "\(whole / 60)m\(whole % 60)s" }
    return "\(whole)s"
  }
}
