/// Text made safe for one line of a terminal or a log: control characters escaped, length capped.
public enum OneLine {
  public static let limit = 600

  public static func make(_ text: String) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
      if count >= limit {
        out += "..."
        break
      }
      count += 1
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\0": out += "\\0"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
          || scalar == "\u{2028}" || scalar == "\u{2029}"
        {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A value quoted for a message, shortened: `'GE T'`.
  public static func quoted(_ value: String, max: Int = 60) -> String {
    let scalars = value.unicodeScalars
    if scalars.count <= max { return "'\(make(value))'" }
    var head = String.UnicodeScalarView()
    head.append(contentsOf: scalars.prefix(max))
    return "'\(make(String(head)))...'"
  }
}
