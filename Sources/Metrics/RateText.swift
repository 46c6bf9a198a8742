/// A rate in requests per second as users type it and read it back: "2000", "0.5".
public enum RateText {
  public static func format(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? String(Int(rate)) : String(rate)
  }

  /// A rate read off a moving schedule (a linear ramp stands at 1234.5678/s at some instant):
  /// whole requests per second from 10/s up, one decimal below, so a live figure does not
  /// flicker with digits nobody reads.
  public static func formatLive(_ rate: Double) -> String {
    format(abs(rate) >= 10 ? rate.rounded() : (rate * 10).rounded() / 10)
  }
}
