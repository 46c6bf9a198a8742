import Foundation

/// A latency given in milliseconds, the unit every figure of the run is kept in.
public enum LatencyText {
  /// `.screen`: `850 µs`, `4.25 ms`, `12.3 ms`, `120 ms`, `1.5 s`. `.report`: `12.3 ms`, `120 ms`
  /// (milliseconds throughout, so a table compares at a glance). `.plain`: `4.25ms`, `120ms`,
  /// `1.50s`. Zero and below read as zero; a figure that is not a number reads `-`.
  /// Each unit's boundary is decided on the rounded figure, so 999.95 ms reads `1 s`, never `1000 ms`.
  public static func format(_ ms: Double, style: TextStyle = .screen) -> String {
    guard ms.isFinite else { return "-" }
    let ms = max(0, ms)
    switch style {
    case .screen:
      if ms == 0 { return "0 ms" }
      if round(ms * 1000, 0) < 1000 { return NumberText.trimmed(ms * 1000, decimals: 0) + " µs" }
      if round(ms, 2) < 10 { return NumberText.trimmed(ms, decimals: 2) + " ms" }
      if round(ms, 1) < 100 { return NumberText.trimmed(ms, decimals: 1) + " ms" }
      if round(ms, 0) < 1000 { return NumberText.trimmed(ms, decimals: 0) + " ms" }
      let s = ms / 1000
      return NumberText.trimmed(s, decimals: round(s, 2) < 10 ? 2 : 1) + " s"
    case .report:
      return round(ms, 1) < 100 ? String(format: "%.1f ms", ms) : String(format: "%.0f ms", ms)
    case .plain:
      if round(ms, 2) < 100 { return String(format: "%.2fms", ms) }
      if round(ms, 0) < 1000 { return String(format: "%.0fms", ms) }
      return String(format: "%.2fs", ms / 1000)
    }
  }

  static func round(_ value: Double, _ decimals: Int) -> Double {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    return (value * scale).rounded() / scale
  }
}
