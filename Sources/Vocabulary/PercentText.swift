import Foundation

/// A share given as a fraction (0.012 is 1.2%): error rates, how far apart a search's interval is.
public enum PercentText {
  /// `.screen`: `1.2%`, `12%`. `.report`: `1.2%`, `12.0%`. `.plain`: `1.20%`, `12.00%`.
  /// Small shares read alike in every style: `0.05%` below 0.1% and `<0.01%` below 0.01%, so a
  /// rare error never reads as none (the screen once said `<0.1%` where the report said `0.05%`).
  /// Zero reads `0%` (`0.00%` in plain text); a figure that is not a number reads `-`.
  public static func format(_ fraction: Double, style: TextStyle = .screen) -> String {
    guard fraction.isFinite else { return "-" }
    let p = max(0, fraction * 100)
    if p == 0 { return style == .plain ? "0.00%" : "0%" }
    if p < 0.01 { return "<0.01%" }
    if p < 0.1 && style != .plain { return String(format: "%.2f%%", p) }
    switch style {
    case .screen: return NumberText.trimmed(p, decimals: p < 10 ? 1 : 0) + "%"
    case .report: return String(format: "%.1f%%", p)
    case .plain: return String(format: "%.2f%%", p)
    }
  }

  /// A change against a base, given in percent: `+48%`, `-3.2%`; nothing for no base.
  public static func change(_ percent: Double?) -> String {
    guard let percent, percent.isFinite else { return "" }
    let magnitude = abs(percent)
    let digits = magnitude >= 10 ? String(format: "%.0f", magnitude) : String(format: "%.1f", magnitude)
    return (percent < 0 ? "-" : "+") + digits + "%"
  }
}
