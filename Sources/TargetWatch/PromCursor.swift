extension PromParser {
  /// A position in one line of an exposition, with the token readers the parser is built from.
  struct Cursor {
    let bytes: [UInt8]
    /// The line's 1-based number, for errors.
    let line: Int
    private(set) var index = 0

    init(bytes: [UInt8], line: Int) {
      self.bytes = bytes
      self.line = line
    }

    var atEnd: Bool { index >= bytes.count }
    /// The byte at the cursor; nil at the end of the line.
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func advance() { index += 1 }

    func error(_ reason: String) -> PromParseError { PromParseError(line: line, reason: reason) }

    /// Skips spaces and tabs; whether there were any (tokens that would merge need one between).
    @discardableResult
    mutating func skipBlanks() -> Bool {
      let start = index
      while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
      return index > start
    }

    /// Everything up to the next blank or the end of the line.
    mutating func token() -> String {
      let start = index
      while let byte = peek, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") { index += 1 }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`; nil (nothing consumed) when none starts here.
    mutating func metricName() -> String? {
      name { $0 == UInt8(ascii: ":") || Self.isLabelCharacter($0) }
    }

    /// A label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    mutating func labelName() -> String? {
      name(Self.isLabelCharacter)
    }

    private mutating func name(_ allowed: (UInt8) -> Bool) -> String? {
      guard let first = peek, allowed(first), !Self.isDigit(first) else { return nil }
      let start = index
      while let byte = peek, allowed(byte) { index += 1 }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A double-quoted string starting at the cursor, escapes resolved: `\\`, `\"` and `\n`;
    /// any other escaped character is kept with its backslash, as Prometheus's parser keeps it.
    mutating func quoted() throws(PromParseError) -> String {
      advance()  // the opening quote
      var value: [UInt8] = []
      while let byte = peek {
        advance()
        switch byte {
        case UInt8(ascii: "\""):
          return String(decoding: value, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard let escaped = peek else { throw error("a backslash ends the line inside a quoted value") }
          advance()
          switch escaped {
          case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
          case UInt8(ascii: "\\"), UInt8(ascii: "\""): value.append(escaped)
          default: value.append(contentsOf: [UInt8(ascii: "\\"), escaped])
          }
        default:
          value.append(byte)
        }
      }
      throw error("a quoted value is not closed")
    }

    /// The rest of a `# HELP` line, with its escapes `\\` and `\n` resolved.
    mutating func restUnescapingHelp() -> String {
      var text: [UInt8] = []
      while let byte = peek {
        advance()
        if byte == UInt8(ascii: "\\"), let escaped = peek, escaped == UInt8(ascii: "n") || escaped == byte {
          advance()
          text.append(escaped == UInt8(ascii: "n") ? UInt8(ascii: "\n") : byte)
        } else {
          text.append(byte)
        }
      }
      return String(decoding: text, as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isLabelCharacter(_ byte: UInt8) -> Bool {
      isDigit(byte) || byte == UInt8(ascii: "_")
        || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }
  }
}
