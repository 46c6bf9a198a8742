/// One sample of a Prometheus text exposition: `name{label="value",...} value [timestamp]`.
struct PromSample: Sendable, Equatable {
  var name: String
  var labels: [String: String]
  var value: Double
  /// Milliseconds since the epoch, when the exporter gave one (rare; this module ignores it and
  /// times every scrape on its own clock).
  var timestamp: Int64?
}

/// A parsed exposition: its samples in order, and the `# TYPE` and `# HELP` lines by metric name.
struct PromExposition: Sendable, Equatable {
  var samples: [PromSample] = []
  var types: [String: String] = [:]
  var help: [String: String] = [:]
}

/// Why a body is not the text exposition format, with the 1-based line it was found on.
struct PromParseError: Error, Sendable, Equatable, CustomStringConvertible {
  var line: Int
  var reason: String
  var description: String { "line \(line): \(reason)" }
}

/// Parses the Prometheus text exposition format (version 0.0.4), the subset a scrape needs.
///
/// Hand-written because no Swift package available to this project parses the format:
/// swift-prometheus only exports metrics. It follows the format's reference parsers: lines end in
/// `\n` (a trailing `\r` is dropped); blank lines are skipped; `# HELP name text` and
/// `# TYPE name type` are kept and other `#` lines are comments (`# EOF` of OpenMetrics
/// included); tokens are separated by spaces or tabs; a label value escapes `\\`, `\"` and `\n`
/// (another escaped character is kept as written, as Prometheus's own parser does); a trailing
/// comma may close the label set; values are floats including `NaN`, `+Inf` and `-Inf`; the
/// optional timestamp is an integer. The quoted names of the newer format (`{"my.metric",
/// le="1"}`) are read too. Anything else is an error for the whole body: a scrape that returns
/// garbage is an unreadable second, never a half-read one.
enum PromParser {
  static let types: Set<String> = [
    "counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset",
    "gaugehistogram",
  ]

  static func parse(_ text: String) throws(PromParseError) -> PromExposition {
    var exposition = PromExposition()
    var number = 0
    for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      number += 1
      var line = Array(rawLine)
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      var cursor = Cursor(bytes: line, line: number)
      cursor.skipBlanks()
      if cursor.atEnd { continue }
      if cursor.peek == UInt8(ascii: "#") {
        try parseComment(&cursor, into: &exposition)
      } else {
        exposition.samples.append(try parseSample(&cursor))
      }
    }
    return exposition
  }

  /// `# HELP name text`, `# TYPE name type`, or a comment.
  private static func parseComment(_ cursor: inout Cursor, into exposition: inout PromExposition)
    throws(PromParseError)
  {
    cursor.advance()  // '#'
    cursor.skipBlanks()
    let keyword = cursor.token()
    guard keyword == "HELP" || keyword == "TYPE", cursor.skipBlanks() else { return }
    guard let name = cursor.metricName() else { return }
    if keyword == "TYPE" {
      cursor.skipBlanks()
      let type = cursor.token()
      guard types.contains(type) else { throw cursor.error("unknown metric type '\(type)'") }
      exposition.types[name] = type
    } else {
      cursor.skipBlanks()
      exposition.help[name] = cursor.restUnescapingHelp()
    }
  }

  /// `name{labels} value [timestamp]`, or `{"name", labels} value [timestamp]`.
  private static func parseSample(_ cursor: inout Cursor) throws(PromParseError) -> PromSample {
    var name = cursor.metricName()
    var labels: [String: String] = [:]
    // A bare name needs a blank before its value; after a label set's `}` one is optional.
    var separated = cursor.skipBlanks()
    if cursor.peek == UInt8(ascii: "{") {
      cursor.advance()
      try parseLabels(&cursor, name: &name, into: &labels)
      cursor.skipBlanks()
      separated = true
    }
    guard let name else { throw cursor.error("expected a metric name") }
    guard separated, !cursor.atEnd else { throw cursor.error("expected a value after \(name)") }
    let valueText = cursor.token()
    guard let value = parseValue(valueText) else { throw cursor.error("'\(valueText)' is not a number") }
    var timestamp: Int64?
    if cursor.skipBlanks(), !cursor.atEnd {
      let text = cursor.token()
      guard let milliseconds = Int64(text) else { throw cursor.error("'\(text)' is not a timestamp") }
      timestamp = milliseconds
      cursor.skipBlanks()
    }
    guard cursor.atEnd else { throw cursor.error("unexpected text after the value") }
    return PromSample(name: name, labels: labels, value: value, timestamp: timestamp)
  }

  /// The label set after its `{`, up to and including its `}`. A quoted string with no `=` after
  /// it is the metric's name (the newer format's quoted names).
  private static func parseLabels(
    _ cursor: inout Cursor, name: inout String?, into labels: inout [String: String]
  ) throws(PromParseError) {
    while true {
      cursor.skipBlanks()
      if cursor.peek == UInt8(ascii: "}") {
        cursor.advance()
        return
      }
      let label: String
      if cursor.peek == UInt8(ascii: "\"") {
        label = try cursor.quoted()
        cursor.skipBlanks()
        if cursor.peek != UInt8(ascii: "=") {
          guard name == nil else { throw cursor.error("a second metric name in the label set") }
          name = label
          try closeLabel(&cursor)
          continue
        }
      } else {
        guard let plain = cursor.labelName() else { throw cursor.error("expected a label name") }
        label = plain
        cursor.skipBlanks()
      }
      guard cursor.peek == UInt8(ascii: "=") else { throw cursor.error("expected '=' after \(label)") }
      cursor.advance()
      cursor.skipBlanks()
      guard cursor.peek == UInt8(ascii: "\"") else {
        throw cursor.error("expected a quoted value for \(label)")
      }
      let value = try cursor.quoted()
      guard labels.updateValue(value, forKey: label) == nil else {
        throw cursor.error("label \(label) given twice")
      }
      try closeLabel(&cursor)
    }
  }

  /// After one label: a `,` (which may also close the set before `}`) or the `}` itself.
  private static func closeLabel(_ cursor: inout Cursor) throws(PromParseError) {
    cursor.skipBlanks()
    if cursor.peek == UInt8(ascii: ",") {
      cursor.advance()
    } else if cursor.peek != UInt8(ascii: "}") {
      throw cursor.error("expected ',' or '}' in the label set")
    }
  }

  /// A sample value: a decimal or exponent float, or NaN and the infinities in any case with an
  /// optional sign (as Go's ParseFloat, which the exporters' own parsers use, takes them).
  static func parseValue(_ text: String) -> Double? {
    guard !text.isEmpty else { return nil }
    let unsigned = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
    switch unsigned.lowercased() {
    case "nan": return .nan
    case "inf", "infinity": return text.first == "-" ? -.infinity : .infinity
    default:
      // Swift's Double(String) also takes hexadecimal floats, as Go's does; nothing else slips by.
      guard unsigned.first?.isNumber == true || unsigned.first == "." else { return nil }
      return Double(text)
    }
  }
}
