/// Numbers with no more decimals than they need: the digit-trimming every style builds on.
public enum NumberText {
  /// `value` with at most `decimals` decimals and no trailing zeros.
  public static func trimmed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 || rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(rounded)
    if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 > decimals {
      text = String(text[...text.index(dot, offsetBy: decimals)])
    }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
