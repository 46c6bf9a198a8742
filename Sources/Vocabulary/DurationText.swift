import Foundation

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

extension DurationText {
  /// The run's elapsed whole seconds as the headless progress lines count them, seconds always two
  /// digits from a minute up so the column stays aligned: `5s`, `59s`, `1m05s`, `61m40s`.
  public static func elapsed(_ seconds: Int) -> String {
    let s = max(0, seconds)
    return s >= 60 ? "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" : "\(s)s"
  }
}
