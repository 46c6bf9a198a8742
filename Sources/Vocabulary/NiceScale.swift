import Foundation

/// "Nice" axis steps (1, 2, 2.5, 5 times a power of ten) so tick labels read cleanly, and nice
/// time steps, for the screen's charts and the report's alike.
public enum NiceScale {
  /// The smallest nice step with `intervals` steps covering `maxValue`.
  public static func step(for maxValue: Double, intervals: Int) -> Double {
    guard maxValue.isFinite, maxValue > 0, intervals > 0 else { return 1 }
    let raw = maxValue / Double(intervals)
    let exponent = Int(floor(log10(raw)))
    let multiple = [1.0, 2, 2.5, 5, 10].first { scaled($0, exponent) >= raw } ?? 10
    return scaled(multiple, exponent)
  }

  /// Ticks from 0 past `maxValue` at the nice step for about `target` intervals.
  public static func ticks(max maxValue: Double, target: Int = 5) -> [Double] {
    guard maxValue.isFinite, maxValue > 0 else { return [0, 1] }
    let raw = maxValue / Double(target)
    let exponent = Int(floor(log10(raw)))
    let multiple = [1.0, 2, 2.5, 5, 10].first { scaled($0, exponent) >= raw } ?? 10
    let step = scaled(multiple, exponent)
    let count = Int((maxValue / step).rounded(.up))
    return (0...max(count, 1)).map { scaled(Double($0) * multiple, exponent) }
  }

  /// Below 1, divide by a power of ten instead of multiplying by a fraction: 3 x 0.1 is not 0.3.
  private static func scaled(_ x: Double, _ exponent: Int) -> Double {
    exponent >= 0 ? x * pow(10, Double(exponent)) : x / pow(10, Double(-exponent))
  }

  static let timeSteps: [Double] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400,
  ]

  /// A nice time step in seconds so that at most about `count` labels span `seconds`.
  public static func timeStep(for seconds: Double, count: Int) -> Double {
    let raw = seconds / Double(max(1, count))
    if let step = timeSteps.first(where: { $0 >= raw }) { return step }
    return 86400 * (raw / 86400).rounded(.up)
  }
}

extension NiceScale {
  /// An axis tick's label. `.screen`: short (`2.5k`), as narrow as a chart's margin. `.report`
  /// and `.plain`: no more digits than the step needs (`2,500`, `10k` from 10,000 on whole
  /// thousands, `0.25`).
  public static func tickLabel(_ value: Double, step: Double, style: TextStyle = .screen) -> String {
    guard style != .screen else { return CountText.format(value) }
    guard value.isFinite else { return "-" }
    if !(step < 1) {
      let whole = Int(value.rounded())
      return abs(whole) >= 10_000 && whole % 1000 == 0 ? "\(whole / 1000)k" : CountText.grouped(whole)
    }
    let digits = min(3, max(1, Int((-log10(step)).rounded(.up))))
    return String(format: "%.\(digits)f", value)
  }
}
