import Foundation

/// A moment in UTC, so runs from machines in different zones read on one clock.
public enum UTCText {
  /// `.screen` and `.plain`: to the minute, `2026-11-18 08:26 UTC`. `.report`: to the second,
  /// `2026-11-18 08:26:05 UTC`, since a report is where a run is pinned down. `zone: false` leaves
  /// out ` UTC` for a column whose header says it. Seconds are cut, never rounded up.
  public static func format(_ date: Date, style: TextStyle = .screen, zone: Bool = true) -> String {
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    let time =
      style == .report
      ? String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
      : String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    return day + " " + time + (zone ? " UTC" : "")
  }

  static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()
}
