import Foundation
import LogValues

/// A user's `--log-pattern NAME=REGEX`: lines the regular expression matches count as errors of
/// class NAME.
public struct LogPattern: Sendable {
  public let name: String
  /// Immutable once compiled, and documented as safe to use from several threads at once.
  public let regex: NSRegularExpression

  public init(name: String, regex: NSRegularExpression) {
    self.name = name
    self.regex = regex
  }

  /// Parses `NAME=REGEX`. The name is letters, digits, `_`, `-` and `.` (it names a column of
  /// counts and a legend entry); the regular expression is ICU syntax, as NSRegularExpression
  /// takes it, and may not match every line.
  public static func parse(_ text: String) throws(LogPatternError) -> LogPattern {
    guard let equals = text.firstIndex(of: "=") else {
      throw LogPatternError(text: text, reason: "expected NAME=REGEX")
    }
    let name = String(text[..<equals])
    let pattern = String(text[text.index(after: equals)...])
    guard !name.isEmpty else { throw LogPatternError(text: text, reason: "the name before '=' is empty") }
    guard name.utf8.allSatisfy(isNameByte) else {
      throw LogPatternError(
        text: text, reason: "the name may only contain letters, digits, '_', '-' and '.'")
    }
    guard !pattern.isEmpty else {
      throw LogPatternError(text: text, reason: "the regular expression after '=' is empty")
    }
    let regex: NSRegularExpression
    do {
      regex = try NSRegularExpression(pattern: pattern)
    } catch {
      // Foundation only says "the value is invalid"; name the usual mistakes when we can see them.
      let hint = regexMistake(pattern).map { " (\($0))" } ?? ""
      throw LogPatternError(text: text, reason: "invalid regular expression\(hint)")
    }
    // A pattern such as `x*` would count every line as an error, which is never what was meant.
    if matches(regex, "") && matches(regex, "\u{1}zq9#~ ") {
      throw LogPatternError(text: text, reason: "the regular expression matches every line")
    }
    return LogPattern(name: name, regex: regex)
  }

  func matches(_ text: String) -> Bool { Self.matches(regex, text) }

  private static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
    regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
      true
    default: false
    }
  }

  /// A rough reading of the pattern for the commonest mistakes; nil when none is seen.
  static func regexMistake(_ pattern: String) -> String? {
    var depth = 0
    var inClass = false
    var escaped = false
    var previous: Character? = nil
    for character in pattern {
      defer { previous = escaped ? nil : character }
      if escaped {
        escaped = false
        continue
      }
      switch character {
      case "\\": escaped = true
      case "[" where !inClass: inClass = true
      case "]" where inClass: inClass = false
      case "(" where !inClass: depth += 1
      case ")" where !inClass:
        if depth == 0 { return "unmatched ')'" }
        depth -= 1
      case "?" where previous == "(":
        break  // `(?i)`, `(?:`, `(?<name>`
      case "*", "+", "?", "{":
        if !inClass, previous == nil || previous == "(" || previous == "|" {
          return "nothing to repeat before '\(character)'"
        }
      default: break
      }
    }
    if escaped { return "trailing backslash" }
    if inClass { return "missing ']'" }
    if depth > 0 { return "missing ')'" }
    return nil
  }
}

/// A `--log-pattern` that cannot be used; `description` is one line naming the pattern and why.
public struct LogPatternError: Error, Equatable, CustomStringConvertible {
  /// The argument as given.
  public let text: String
  public let reason: String

  public var description: String {
    // Quoted the way a shell would take it back, with controls made visible.
    let shown = LineSanitizer.displayText(
      RawLine(text.replacingOccurrences(of: "'", with: "'\\''")), maxColumns: 200)
    return "--log-pattern '\(shown)': \(reason)"
  }
}

/// Decides from one line's bytes what the log panel counts: a log level for styling and, when
/// the line reports a failure, an error class. User patterns are tried first, so a user can give
/// a class of their own to lines the built-in rules know; the built-in rules never use regular
/// expressions, only byte comparisons, so a busy log costs little.
