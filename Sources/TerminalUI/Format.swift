import Vocabulary

/// Short, readable numbers for axes and panels: `950`, `1k`, `2.5k`, `12k`, `1.2M`; `850 µs`,
/// `120 ms`, `1.5 s`. Clocks, sizes and axis steps are in `Vocabulary`.
public enum Format {
  public static func count(_ value: Double) -> String {
    let v = abs(value)
    let sign = value < 0 ? "-" : ""
    if v < 1000 { return sign + NumberText.trimmed(v, decimals: v < 10 && v != v.rounded() ? 1 : 0) }
    if v < 1_000_000 {
      return sign + NumberText.trimmed(v / 1000, decimals: v < 10_000 ? 2 : (v < 100_000 ? 1 : 0)) + "k"
    }
    if v < 1_000_000_000 {
      return sign
        + NumberText.trimmed(v / 1_000_000, decimals: v < 10_000_000 ? 2 : (v < 100_000_000 ? 1 : 0)) + "M"
    }
    return sign + NumberText.trimmed(v / 1_000_000_000, decimals: 1) + "G"
  }

  public static func milliseconds(_ ms: Double) -> String {
    if ms <= 0 { return "0 ms" }
    if ms < 1 { return NumberText.trimmed(ms * 1000, decimals: 0) + " µs" }
    if ms < 10 { return NumberText.trimmed(ms, decimals: 2) + " ms" }
    if ms < 1000 { return NumberText.trimmed(ms, decimals: ms < 100 ? 1 : 0) + " ms" }
    return NumberText.trimmed(ms / 1000, decimals: ms < 10_000 ? 2 : 1) + " s"
  }

  public static func percent(_ fraction: Double) -> String {
    let p = fraction * 100
    if p == 0 { return "0%" }
    if p < 0.1 { return "<0.1%" }
    return NumberText.trimmed(p, decimals: p < 10 ? 1 : 0) + "%"
  }
}
