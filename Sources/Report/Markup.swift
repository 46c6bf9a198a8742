import Plot

/// Every node of the report's body, HTML and SVG alike.
typealias BodyNode = Node<HTML.BodyContext>

/// Element and text builders over Plot. Plot escapes `<` and `>` in text but passes `&...;`
/// sequences through and writes attribute values as they are, so every string that reaches the
/// document goes through `Markup.text` or `Markup.attribute`: control characters stripped, then
/// escaped completely. A log line or a run name can never add markup or terminal bytes.
enum Markup {
  /// An element with attributes (in order) and children.
  static func element(
    _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ children: [BodyNode] = []
  ) -> BodyNode {
    .element(named: name, nodes: attributes.map { attribute($0.key, $0.value) } + children)
  }

  /// An element holding one text.
  static func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String)
    -> BodyNode
  {
    element(name, attributes, [Self.text(text)])
  }

  static func attribute(_ name: String, _ value: String) -> BodyNode {
    .attribute(named: name, value: escapeAttribute(CleanText.line(value)), ignoreIfValueIsEmpty: false)
  }

  /// Text content: cleaned, then `&` spelled out so Plot's escaper (which keeps existing entities)
  /// shows the characters exactly as they were.
  static func text(_ value: String) -> BodyNode {
    .text(CleanText.line(value).replacingOccurrences(of: "&", with: "&amp;"))
  }

  static func escapeAttribute(_ value: String) -> String {
    var out = ""
    out.reserveCapacity(value.utf8.count)
    for character in value {
      switch character {
      case "&": out += "&amp;"
      case "\"": out += "&quot;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(character)
      }
    }
    return out
  }
}

/// Removes what must never reach a report: C0 controls but tab (ESC included), DEL, C1 controls,
/// and the bidirectional overrides that can make text read differently from its bytes.
enum CleanText {
  static func line(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isRemoved) else { return text }
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where !isRemoved(scalar) { scalars.append(scalar) }
    return String(scalars)
  }

  /// A multi-line text (a folded traceback) as cleaned lines; CR and LF only separate lines.
  static func lines(_ text: String) -> [String] {
    text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
      .map { line(String($0)) }
  }

  static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09: false
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
