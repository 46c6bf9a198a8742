/// How many of something: requests, errors, samples, vusers.
public enum CountText {
  /// `.screen`: short (`950`, `2.5k`, `12k`, `1.2M`, `3.1G`; one decimal below 10 for a mean such
  /// as `2.5`). `.report` and `.plain`: whole and grouped (`1,234,567`). Not a number reads `-`.
  public static func format(_ value: Double, style: TextStyle = .screen) -> String {
    guard value.isFinite else { return "-" }
    guard style == .screen else { return grouped(Int(value.rounded())) }
    let v = abs(value)
    let sign = value < 0 ? "-" : ""
    // Each unit's boundary is taken on the rounded figure: 999.6 reads `1k`, never `1000`.
    if v.rounded() < 1000 {
      return sign + NumberText.trimmed(v, decimals: v < 10 && v != v.rounded() ? 1 : 0)
    }
    if v < 999_500 {
      return sign + NumberText.trimmed(v / 1000, decimals: v < 10_000 ? 2 : (v < 100_000 ? 1 : 0)) + "k"
    }
    if v < 999_500_000 {
      return sign
        + NumberText.trimmed(v / 1_000_000, decimals: v < 10_000_000 ? 2 : (v < 100_000_000 ? 1 : 0)) + "M"
    }
    return sign + NumberText.trimmed(v / 1_000_000_000, decimals: 1) + "G"
  }

  /// An integer with thousands separators: `1,234,567`, `-1,234`.
  public static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return value < 0 ? "-" + out : out
  }
}
