/// A plan file that cannot be used. `description` is one line:
/// `plan.toml:12:3: requests[0].weight: must be an integer from 1 to 1000000, got -1`, with the
/// position and the key when they are known. It never holds a value substituted from the
/// environment.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var column: Int?
  /// The key path, as in `location(of:)`; `nil` for errors about the whole file or its syntax.
  public var key: String?
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.key = key
    self.message = message
  }

  public var description: String {
    var text = file
    if let line {
      text += ":\(line)"
      if let column { text += ":\(column)" }
    }
    if let key { text += ": \(key)" }
    text += ": \(message)"
    return OneLine.make(text)
  }
}

/// Text made safe for one line of a terminal or a log: control characters escaped, length capped.
enum OneLine {
  static let limit = 600

  static func make(_ text: String) -> String {
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
  static func quoted(_ value: String, max: Int = 60) -> String {
    let scalars = value.unicodeScalars
    if scalars.count <= max { return "'\(make(value))'" }
    var head = String.UnicodeScalarView()
    head.append(contentsOf: scalars.prefix(max))
    return "'\(make(String(head)))...'"
  }
}
