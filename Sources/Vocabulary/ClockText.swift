/// Elapsed time as a stopwatch reads it: `0:59`, `12:05`, `1:02:03`. Whole seconds, never rounded
/// up (59.6 s is `0:59` everywhere: live, on the compare screen, in the report and the summary).
public enum ClockText {
  public static func format(_ seconds: Double) -> String {
    let s = wholeSeconds(seconds)
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
    let ss = sec < 10 ? "0\(sec)" : "\(sec)"
    if h > 0 { return "\(h):\(m < 10 ? "0" : "")\(m):\(ss)" }
    return "\(m):\(ss)"
  }

  /// A run's length in a report table, the clock and its seconds: `1:02 (62 s)`. The seconds are
  /// the clock's, cut the same way (59.6 s is `0:59 (59 s)`, not `0:59 (60 s)`).
  public static func withSeconds(_ seconds: Double) -> String {
    "\(format(seconds)) (\(wholeSeconds(seconds)) s)"
  }

  static func wholeSeconds(_ seconds: Double) -> Int {
    seconds.isFinite ? max(0, Int(seconds.rounded(.down))) : 0
  }
}
