/// A light pass over TOML text before and beside TOMLKit, which reports positions only for syntax
/// errors. It finds:
/// - the line and column of every key, table header and array element, by key path
///   (`requests[1].headers.Authorization`, `thresholds.checks[0]`), so errors about values and
///   `location(of:)` can point into the file, and tables can keep their keys in file order;
/// - nesting deeper than `limit` (dotted keys, headers, arrays and inline tables), refused before
///   toml++ builds and frees a structure that deep recursively;
/// - `\u0000` escapes in strings, which the C bridge would silently cut the string at;
/// - a table header or an array element starting with a character on which toml++ asserts (an
///   abort in a debug build) instead of reporting an error.
///
/// Its problems are reported before TOMLKit runs. Otherwise it is lenient: on text that is not
/// TOML it may record nonsense positions, but it never loops or recurses deeper than `limit`, and
/// TOMLKit reports the syntax error.
public final class TOMLScanner {
  public enum Problem: Equatable, Sendable {
    case tooDeep(SourcePoint)
    case nulEscape(SourcePoint)
    /// A table header whose first character cannot start a key.
    case badHeader(SourcePoint)
    /// An array element whose first character cannot start a value.
    case badValue(SourcePoint)
  }

  public static let limit = 64

  private let s: [Unicode.Scalar]
  private var i = 0
  private var line = 1
  private var column = 1
  public private(set) var points: [String: SourcePoint] = [:]
  public private(set) var problem: Problem?
  private var arrayTables: [String: Int] = [:]
  private var tablePath = ""
  private var tableDepth = 0

  init(_ text: String) {
    s = Array(text.unicodeScalars)
  }

  public static func scan(_ text: String) -> TOMLScanner {
    let scanner = TOMLScanner(text)
    scanner.run()
    return scanner
  }

  private var point: SourcePoint { SourcePoint(line: line, column: column) }
  private var atEnd: Bool { i >= s.count || problem != nil }

  private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    i + offset < s.count ? s[i + offset] : nil
  }

  private func advance() {
    guard i < s.count else { return }
    if s[i] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    i += 1
  }

  private func record(_ path: String, _ at: SourcePoint) {
    if points[path] == nil { points[path] = at }
  }

  private func deeper(_ depth: Int, at: SourcePoint) -> Bool {
    if depth > Self.limit {
      if problem == nil { problem = .tooDeep(at) }
      return true
    }
    return false
  }

  private func run() {
    while !atEnd {
      skipBlank(newlines: true)
      guard let c = peek(), problem == nil else { break }
      if c == "[" {
        header()
      } else if c == "=" || c == "]" || c == "," || c == "}" {
        skipLine()
      } else {
        let before = i
        keyValue(prefix: tablePath, depth: tableDepth)
        skipLine()
        if i == before { advance() }
      }
    }
  }

  /// `[a.b]` or `[[a.b]]`.
  private func header() {
    let start = point
    advance()
    let hadSpace = peek() == " " || peek() == "\t"
    skipSpaces()
    let isArray = peek() == "["
    if isArray {
      advance()
      skipSpaces()
    }
    // toml++ asserts (and aborts in a debug build) when a header holds no key character here.
    if !(isArray && hadSpace), let c = peek(), c != "]", !isBare(c), c != "\"", c != "'" {
      if problem == nil { problem = .badHeader(point) }
      return
    }
    let segments = key()
    var path = ""
    for (n, segment) in segments.enumerated() {
      path = KeyPath.child(path, segment)
      if isArray && n == segments.count - 1 {
        let count = (arrayTables[path] ?? 0) + 1
        arrayTables[path] = count
        record(path, start)
        path = KeyPath.index(path, count - 1)
      } else if let count = arrayTables[path] {
        path = KeyPath.index(path, count - 1)
      }
    }
    record(path, start)
    tablePath = path
    // An array of tables adds a level per segment at most.
    tableDepth = segments.count * 2
    _ = deeper(tableDepth, at: start)
    skipLine()
  }

  /// `a."b".c = value` at `prefix`.
  private func keyValue(prefix: String, depth: Int) {
    let start = point
    let segments = key()
    guard !segments.isEmpty, !deeper(depth + segments.count, at: start) else { return }
    var path = prefix
    for segment in segments { path = KeyPath.child(path, segment) }
    record(path, start)
    skipBlank(newlines: false)
    guard peek() == "=" else { return }
    advance()
    value(path: path, depth: depth + segments.count)
  }

  /// The segments of a dotted key; stops before `=`, `]` or anything else that ends a key.
  private func key() -> [String] {
    var segments: [String] = []
    while !atEnd {
      skipBlank(newlines: false)
      guard let c = peek() else { break }
      if c == "\"" {
        segments.append(basicString())
      } else if c == "'" {
        segments.append(literalString())
      } else if isBare(c) {
        var text = String.UnicodeScalarView()
        while let b = peek(), isBare(b) {
          text.append(b)
          advance()
        }
        segments.append(String(text))
      } else {
        break
      }
      if segments.count > Self.limit + 1 { break }
      skipBlank(newlines: false)
      guard peek() == "." else { break }
      advance()
    }
    return segments
  }

  private func value(path: String, depth: Int) {
    skipBlank(newlines: false)
    guard let c = peek() else { return }
    let start = point
    switch c {
    case "\"":
      _ = peek(1) == "\"" && peek(2) == "\"" ? multilineString(quote: "\"") : basicString()
    case "'":
      _ = peek(1) == "'" && peek(2) == "'" ? multilineString(quote: "'") : literalString()
    case "[":
      guard !deeper(depth + 1, at: start) else { return }
      advance()
      var index = 0
      while !atEnd {
        skipBlank(newlines: true)
        guard let d = peek() else { return }
        if d == "]" {
          advance()
          return
        }
        // toml++ asserts (and aborts in a debug build) when an element starts with a character that
        // ends values, such as `}` or U+2028.
        if d != ",", !startsValue(d) {
          if problem == nil { problem = .badValue(point) }
          return
        }
        let element = KeyPath.index(path, index)
        record(element, point)
        value(path: element, depth: depth + 1)
        index += 1
        skipBlank(newlines: true)
        if peek() == "," {
          advance()
        } else {
          if peek() == "]" { advance() }
          return
        }
      }
    case "{":
      guard !deeper(depth + 1, at: start) else { return }
      advance()
      while !atEnd {
        skipBlank(newlines: false)
        guard let d = peek() else { return }
        if d == "}" {
          advance()
          return
        }
        keyValue(prefix: path, depth: depth + 1)
        skipBlank(newlines: false)
        if peek() == "," {
          advance()
        } else {
          if peek() == "}" { advance() }
          return
        }
      }
    default:
      // Numbers, booleans, dates (which may hold a space): up to a delimiter.
      while let d = peek(), d != ",", d != "]", d != "}", d != "#", d != "\n", d != "\r" { advance() }
    }
  }

  private func basicString() -> String {
    advance()
    var text = String.UnicodeScalarView()
    while let c = peek(), c != "\n" {
      if c == "\"" {
        advance()
        break
      }
      if c == "\\" {
        escape(into: &text)
      } else {
        text.append(c)
        advance()
      }
    }
    return String(text)
  }

  private func literalString() -> String {
    advance()
    var text = String.UnicodeScalarView()
    while let c = peek(), c != "\n" {
      advance()
      if c == "'" { break }
      text.append(c)
    }
    return String(text)
  }

  /// `"""..."""` or `'''...'''`; the closing quotes may be followed by up to two more quotes that
  /// belong to the string.
  private func multilineString(quote: Unicode.Scalar) -> String {
    advance()
    advance()
    advance()
    var text = String.UnicodeScalarView()
    while let c = peek() {
      if c == quote && peek(1) == quote && peek(2) == quote {
        advance()
        advance()
        advance()
        var extra = 0
        while extra < 2, peek() == quote {
          advance()
          extra += 1
        }
        break
      }
      if c == "\\" && quote == "\"" {
        escape(into: &text)
      } else {
        text.append(c)
        advance()
      }
    }
    return String(text)
  }

  /// A backslash escape in a basic string; notes `\u0000`.
  private func escape(into text: inout String.UnicodeScalarView) {
    let start = point
    advance()
    guard let e = peek() else { return }
    advance()
    switch e {
    case "u", "U":
      let count = e == "u" ? 4 : 8
      var digits = ""
      for _ in 0..<count {
        guard let h = peek(), h.properties.isASCIIHexDigit else { break }
        digits.unicodeScalars.append(h)
        advance()
      }
      if let value = UInt32(digits, radix: 16) {
        if value == 0, problem == nil { problem = .nulEscape(start) }
        if let scalar = Unicode.Scalar(value) { text.append(scalar) }
      }
    case "n": text.append("\n")
    case "t": text.append("\t")
    case "r": text.append("\r")
    case "b": text.append("\u{08}")
    case "f": text.append("\u{0C}")
    case "e": text.append("\u{1B}")
    default: text.append(e)
    }
  }

  private func skipBlank(newlines: Bool) {
    while let c = peek() {
      if c == " " || c == "\t" || (newlines && (c == "\n" || c == "\r")) {
        advance()
      } else if c == "#" {
        while let d = peek(), d != "\n" { advance() }
      } else {
        break
      }
    }
  }

  private func skipSpaces() {
    while let c = peek(), c == " " || c == "\t" { advance() }
  }

  private func skipLine() {
    while let c = peek(), c != "\n" {
      if c == "\"" {
        _ = peek(1) == "\"" && peek(2) == "\"" ? multilineString(quote: "\"") : basicString()
      } else if c == "'" {
        _ = peek(1) == "'" && peek(2) == "'" ? multilineString(quote: "'") : literalString()
      } else {
        advance()
      }
    }
  }

  /// Strings, arrays, inline tables, numbers, booleans, inf, nan and dates start with these.
  private func startsValue(_ c: Unicode.Scalar) -> Bool {
    isBare(c) || c == "\"" || c == "'" || c == "[" || c == "{" || c == "+" || c == "."
  }

  private func isBare(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
  }
}

extension TOMLScanner.Problem {
  /// Where the problem is.
  public var point: SourcePoint {
    switch self {
    case .tooDeep(let at), .nulEscape(let at), .badHeader(let at), .badValue(let at): at
    }
  }

  /// What is wrong, in the words every configuration file's error uses.
  public var message: String {
    switch self {
    case .tooDeep: "nesting deeper than \(TOMLScanner.limit) levels"
    case .nulEscape: "NUL characters (\\u0000) are not allowed"
    case .badHeader: "invalid TOML: expected a key in the table header"
    case .badValue: "invalid TOML: expected a value"
    }
  }
}
