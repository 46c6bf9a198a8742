/// Short, readable numbers for axes and panels: `950`, `1k`, `2.5k`, `12k`, `1.2M`; `850 µs`,
/// `120 ms`, `1.5 s`; `1:30`, `1:02:00`.
public enum Format {
  public static func count(_ value: Double) -> String {
    let v = abs(value)
    let sign = value < 0 ? "-" : ""
    if v < 1000 { return sign + trimmed(v, decimals: v < 10 && v != v.rounded() ? 1 : 0) }
    if v < 1_000_000 {
      return sign + trimmed(v / 1000, decimals: v < 10_000 ? 2 : (v < 100_000 ? 1 : 0)) + "k"
    }
    if v < 1_000_000_000 {
      return sign + trimmed(v / 1_000_000, decimals: v < 10_000_000 ? 2 : (v < 100_000_000 ? 1 : 0)) + "M"
    }
    return sign + trimmed(v / 1_000_000_000, decimals: 1) + "G"
  }

  public static func milliseconds(_ ms: Double) -> String {
    if ms <= 0 { return "0 ms" }
    if ms < 1 { return trimmed(ms * 1000, decimals: 0) + " µs" }
    if ms < 10 { return trimmed(ms, decimals: 2) + " ms" }
    if ms < 1000 { return trimmed(ms, decimals: ms < 100 ? 1 : 0) + " ms" }
    return trimmed(ms / 1000, decimals: ms < 10_000 ? 2 : 1) + " s"
  }

  public static func bytes(_ value: Double) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = value
    var unit = 0
    while v >= 1024 && unit < units.count - 1 {
      v /= 1024
      unit += 1
    }
    return trimmed(v, decimals: unit == 0 || v >= 100 ? 0 : 1) + " " + units[unit]
  }

  /// Elapsed seconds as m:ss or h:mm:ss.
  public static func clock(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded(.down)))
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
    let ss = sec < 10 ? "0\(sec)" : "\(sec)"
    if h > 0 { return "\(h):\(m < 10 ? "0" : "")\(m):\(ss)" }
    return "\(m):\(ss)"
  }

  public static func percent(_ fraction: Double) -> String {
    let p = fraction * 100
    if p == 0 { return "0%" }
    if p < 0.1 { return "<0.1%" }
    return trimmed(p, decimals: p < 10 ? 1 : 0) + "%"
  }

  /// `value` with at most `decimals` decimals and no trailing zeros.
  public static func trimmed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 || rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(rounded)
    if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 > decimals {
      text = String(text[...text.index(dot, offsetBy: decimals)])
    }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}

/// "Nice" axis steps (1, 2, 2.5, 5 times a power of ten) so tick labels read cleanly.
public enum NiceScale {
  /// The smallest nice step with `intervals` steps covering `maxValue`.
  public static func step(for maxValue: Double, intervals: Int) -> Double {
    guard maxValue > 0, intervals > 0 else { return 1 }
    let raw = maxValue / Double(intervals)
    var magnitude = 1.0
    while magnitude * 10 <= raw { magnitude *= 10 }
    while magnitude > raw { magnitude /= 10 }
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where magnitude * factor >= raw {
      return magnitude * factor
    }
    return magnitude * 10
  }

  /// A nice time step in seconds so that about `count` labels span `seconds`.
  public static func timeStep(for seconds: Double, count: Int) -> Double {
    let raw = seconds / Double(max(1, count))
    for step in [1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400] where step >= raw {
      return step
    }
    return 14400 * ((raw / 14400).rounded(.up))
  }
}
