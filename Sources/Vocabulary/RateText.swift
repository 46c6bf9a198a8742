import Foundation

/// A rate in requests per second. Two kinds are read: a rate someone set (typed on the command
/// line, in a plan, with a key) or a schedule offers, and a rate measured over a run.
public enum RateText {
  /// A set rate as users type it and read it back, without its unit: "2000", "0.5".
  public static func format(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? String(Int(rate)) : String(rate)
  }

  /// A rate read off a moving schedule (a linear ramp stands at 1234.5678/s at some instant):
  /// whole requests per second from 10/s up, one decimal below, so a live figure does not
  /// flicker with digits nobody reads.
  public static func formatLive(_ rate: Double) -> String {
    format(abs(rate) >= 10 ? rate.rounded() : (rate * 10).rounded() / 10)
  }

  /// A set rate with its unit: "2000/s".
  public static func setting(_ rate: Double) -> String { format(rate) + "/s" }

  /// A schedule's or a search's rate with its unit: "190/s", "2.5/s".
  public static func live(_ rate: Double) -> String { formatLive(rate) + "/s" }

  /// A measured rate (throughput, errors per second): `.screen` `950/s`, `2.5k/s`;
  /// `.report` `12.3/s`, `1,234/s`; `.plain` `12.3/s`, `1234.5/s`. Not a number reads `-`.
  public static func perSecond(_ rate: Double, style: TextStyle = .screen) -> String {
    guard rate.isFinite else { return "-" }
    switch style {
    case .screen: return CountText.format(rate) + "/s"
    case .report:
      return (rate * 10).rounded() / 10 < 100
        ? String(format: "%.1f/s", rate) : CountText.grouped(Int(rate.rounded())) + "/s"
    case .plain: return String(format: "%.1f/s", rate)
    }
  }
}
