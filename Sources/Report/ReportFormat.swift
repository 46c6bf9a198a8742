import Foundation
import Metrics
import RunStore
import Vocabulary

/// How figures read in the report: grouped counts, latencies with sensible digits, sizes.
enum ReportFormat {
  static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
  }

  static func ms(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.1f ms", value)
  }

  static func rate(_ value: Double) -> String {
    value >= 100 ? count(Int(value.rounded())) + "/s" : String(format: "%.1f/s", value)
  }

  static func percent(_ fraction: Double) -> String {
    let value = fraction * 100
    if value == 0 { return "0%" }
    return value < 0.1 ? String(format: "%.2f%%", value) : String(format: "%.1f%%", value)
  }

  static func bytes(_ value: Int) -> String { ByteSize.format(Double(value), style: .fixed) }

  static func duration(_ seconds: Double) -> String {
    "\(ClockText.format(seconds)) (\(String(format: "%.0f", seconds)) s)"
  }

  static func utc(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(
      format: "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
      c.minute ?? 0, c.second ?? 0)
  }

  /// An axis tick: no more digits than the tick step needs.
  static func tick(_ value: Double, step: Double) -> String {
    if step >= 1 {
      let whole = Int(value.rounded())
      return abs(whole) >= 10_000 && whole % 1000 == 0 ? "\(whole / 1000)k" : count(whole)
    }
    let digits = min(3, max(1, Int((-log10(step)).rounded(.up))))
    return String(format: "%.\(digits)f", value)
  }

  /// How the run ended in words: a capitalised word when it did not complete, and what that means
  /// for its figures ("INCOMPLETE", "killed before its summary; ..."). A journal that
  /// stopped early is said apart (`ReportPage.flags`), since it leaves the outcome as it was.
  static func outcome(_ run: LoadedRun, figures: RunFigures) -> (word: String, detail: String) {
    switch run.outcome {
    case .complete: ("complete", "the plan ran to its end")
    case .abortedByUser:
      (
        "ABORTED",
        "stopped by the user at \(ClockText.format(figures.durationS)); data up to the stop is valid"
      )
    case .abortedByThreshold:
      (
        "ABORTED",
        "stopped by a failing threshold at \(ClockText.format(figures.durationS)); data up to the stop is valid"
      )
    case .incomplete: ("INCOMPLETE", run.incompleteText)
    }
  }

  /// A short word for legends.
  static func outcomeWord(_ run: LoadedRun) -> String {
    switch run.outcome {
    case .complete: "complete"
    case .abortedByUser: "ABORTED (user)"
    case .abortedByThreshold: "ABORTED (threshold)"
    case .incomplete: run.journalStop == nil ? "INCOMPLETE (killed)" : "INCOMPLETE (no summary)"
    }
  }

  /// A raw figure for `data-value`: round-trips, no grouping.
  static func raw(_ value: Double) -> String { "\(value)" }
}
