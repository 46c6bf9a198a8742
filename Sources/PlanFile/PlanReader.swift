import ConfigDiagnostics
import Metrics
import Vocabulary

/// Reads typed values out of a `RawNode` tree (whose strings already have `${env:NAME}`
/// substituted) for the schema, and turns every problem into a `PlanError` at the key's position
/// with secrets redacted. Values substituted from the environment are never quoted back in a
/// message.
struct PlanReader {
  static let maxDuration = 1_000_000.0

  var document: PlanDocument

  func fail(_ key: String, _ message: String) -> PlanError {
    document.error(at: key, message)
  }

  /// `, got 'text'` for messages, or nothing when the text came (even in part) from the
  /// environment.
  func got(_ text: String, secret: Bool) -> String {
    secret ? "" : ", got \(OneLine.quoted(text))"
  }

  // MARK: Tables

  /// The entries of a table, in file order, after refusing keys that are not in `known`.
  func entries(_ node: RawNode, _ key: String, known: [String]) throws(PlanError) -> [RawEntry] {
    guard case .table(let entries) = node.kind else {
      throw fail(key, "expected a table, got \(node.typeName)")
    }
    for entry in entries where !known.contains(entry.key) {
      let path = KeyPath.child(key, entry.key)
      var message = "unknown key"
      if let near = KeySuggestion.nearest(to: entry.key, in: known) {
        message += " (did you mean '\(KeyPath.child(key, near))'?)"
      }
      throw fail(path, message)
    }
    return entries
  }

  func items(_ node: RawNode, _ key: String) throws(PlanError) -> [RawNode] {
    guard case .array(let items) = node.kind else {
      throw fail(key, "expected an array, got \(node.typeName)")
    }
    return items
  }

  // MARK: Scalars

  /// A string, `${env:NAME}` already substituted; `secret` when anything was.
  func string(_ node: RawNode, _ key: String) throws(PlanError) -> (text: String, secret: Bool) {
    switch node.kind {
    case .string(let text):
      return (text, node.secret)
    case .badReference(.unset(let name)):
      throw fail(key, "environment variable '\(name)' is not set (used as ${env:\(name)})")
    case .badReference(.malformed):
      throw fail(
        key, "malformed environment reference: expected ${env:NAME} with NAME made of letters, digits and _")
    default:
      throw fail(key, "expected a string, got \(node.typeName)")
    }
  }

  /// A string of one line for names, paths and commands: no control characters but tab.
  func text(_ node: RawNode, _ key: String) throws(PlanError) -> String {
    let (text, _) = try string(node, key)
    if text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
      throw fail(key, "must not contain control characters")
    }
    return text
  }

  /// A string that goes into a request (target, method, path, header): CR, LF and NUL would let
  /// the file inject headers or requests into the stream, so they are refused.
  func wireText(_ node: RawNode, _ key: String) throws(PlanError) -> (text: String, secret: Bool) {
    let value = try string(node, key)
    if value.text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
      throw fail(key, "must not contain CR, LF or NUL characters (request smuggling)")
    }
    if value.text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
      throw fail(key, "must not contain control characters")
    }
    return value
  }

  func bool(_ node: RawNode, _ key: String) throws(PlanError) -> Bool {
    guard case .bool(let value) = node.kind else {
      throw fail(key, "expected a boolean (true or false), got \(node.typeName)")
    }
    return value
  }

  func integer(_ node: RawNode, _ key: String, _ range: ClosedRange<Int>) throws(PlanError) -> Int {
    let bounds = "must be an integer from \(range.lowerBound) to \(range.upperBound)"
    switch node.kind {
    case .integer(let value):
      guard range.contains(value) else { throw fail(key, "\(bounds), got \(value)") }
      return value
    case .hugeInteger(let text):
      throw fail(key, "\(bounds), got \(OneLine.quoted(text, max: 30))")
    default:
      throw fail(key, "expected an integer, got \(node.typeName)")
    }
  }

  /// Requests per second, an integer or a float: more than 0 (0 or more when `allowZero`), at most
  /// `PlanRate.maximumRate`. The words match the `--rate` flags' refusals.
  func rate(_ node: RawNode, _ key: String, allowZero: Bool) throws(PlanError) -> Double {
    let floor = allowZero ? "0 or more" : "more than 0"
    let value: Double
    switch node.kind {
    case .integer(let integer): value = Double(integer)
    case .float(let float): value = float
    case .hugeInteger(let text):
      let bound = text.hasPrefix("-") ? floor : "at most \(Int(PlanRate.maximumRate))"
      throw fail(key, "must be \(bound) requests per second, got \(OneLine.quoted(text, max: 30))")
    default:
      throw fail(key, "expected a number of requests per second, got \(node.typeName)")
    }
    guard value.isFinite else { throw fail(key, "expected a finite number of requests per second") }
    guard allowZero ? value >= 0 : value > 0 else {
      throw fail(key, "must be \(floor) requests per second, got \(RateText.format(value))")
    }
    guard value <= PlanRate.maximumRate else {
      throw fail(
        key,
        "must be at most \(Int(PlanRate.maximumRate)) requests per second, got \(RateText.format(value))")
    }
    return value
  }

  /// Seconds, from text such as `500ms`, `5s`, `1m30s` (or a bare number of seconds), at most
  /// 1 000 000 s; more than 0 when `positive`.
  func duration(_ node: RawNode, _ key: String, positive: Bool = false) throws(PlanError) -> Double {
    let seconds: Double
    let shown: String
    switch node.kind {
    case .integer(let value):
      seconds = Double(value)
      shown = ", got \(value)"
    case .float(let value):
      seconds = value
      shown = value.isFinite ? ", got \(value)" : ""
    case .string, .badReference:
      let (text, secret) = try string(node, key)
      shown = got(text, secret: secret)
      let trimmed = text.drop { $0 == " " || $0 == "\t" }
      if trimmed.hasPrefix("-") { throw fail(key, "must not be negative\(shown)") }
      guard let parsed = DurationText.parse(text) else {
        throw fail(key, "expected a duration such as 500ms, 5s or 1m30s\(shown)")
      }
      seconds = parsed
    default:
      throw fail(key, "expected a duration such as \"5s\", got \(node.typeName)")
    }
    guard seconds.isFinite else { throw fail(key, "expected a duration such as 500ms, 5s or 1m30s") }
    if seconds < 0 { throw fail(key, "must not be negative\(shown)") }
    if positive && seconds == 0 { throw fail(key, "must be greater than 0\(shown)") }
    if seconds > Self.maxDuration { throw fail(key, "must be at most 1000000s\(shown)") }
    return seconds
  }

  /// An array of one-line strings, each with its key (`logs.files[2]`).
  func texts(_ node: RawNode, _ key: String) throws(PlanError) -> [(text: String, key: String)] {
    var out: [(text: String, key: String)] = []
    for (index, item) in try items(node, key).enumerated() {
      let itemKey = KeyPath.index(key, index)
      let value = try text(item, itemKey)
      if value.isEmpty { throw fail(itemKey, "must not be empty") }
      out.append((value, itemKey))
    }
    return out
  }
}
