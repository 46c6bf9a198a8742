/// A rate in requests per second as users type it and read it back: "2000", "0.5".
public enum RateText {
  public static func format(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? String(Int(rate)) : String(rate)
  }
}
