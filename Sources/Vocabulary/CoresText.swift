import Foundation

/// CPU use as cores (CPU seconds per second): the target lane, its stats and the saturation note.
public enum CoresText {
  /// `0.40`, `1.25`, `12.5`: two decimals below ten cores, one above; not a number reads `-`.
  public static func format(_ cores: Double) -> String {
    guard cores.isFinite else { return "-" }
    return String(format: cores < 10 ? "%.2f" : "%.1f", max(0, cores))
  }

  /// With its unit: `0.40 cores`, `1.00 core`.
  public static func withUnit(_ cores: Double) -> String {
    let text = format(cores)
    return text + (text == "1.00" ? " core" : " cores")
  }
}
