import Foundation
import Vocabulary

/// A pass/fail criterion on a run-wide figure, written as k6 writes them: `p95<300ms`,
/// `errors<1%`, `tps>500`. The figure is the run's cumulative one (the whole run so far while it
/// runs, the whole run at the end), so `tps>500` asks for a mean of more than 500 requests/s.
public struct Threshold: Sendable, Hashable {
  /// What a threshold looks at.
  public enum Metric: Sendable, Hashable {
    /// Completed requests per second over the run so far.
    case tps
    /// Mean response time (`mtt`, alias `avg`).
    case mtt
    case p50, p90, p95, p99
    /// Slowest response so far.
    case max
    /// Failed requests of every kind (`errors` with a plain number).
    case errorCount
    /// Failed share of completed requests (`error_rate`, or `errors` with a percentage).
    case errorRate
    /// Failed requests of one kind (`errors.timeout`).
    case errorKind(ErrorKind)
    /// Error events in the target's logs, every class.
    case logErrors
    /// Error events of one class in the target's logs (`log_errors.BrokenPipeError`).
    case logErrorClass(String)

    /// Whether it counts failures (the target's answers) rather than timing or throughput,
    /// which a client that falls behind can spoil.
    public var countsErrors: Bool {
      switch self {
      case .errorCount, .errorRate, .errorKind, .logErrors, .logErrorClass: true
      case .tps, .mtt, .p50, .p90, .p95, .p99, .max: false
      }
    }

    /// The stable name in the summary's `thresholds[].metric`.
    public var name: String {
      switch self {
      case .tps: "tps"
      case .mtt: "mtt"
      case .p50: "p50"
      case .p90: "p90"
      case .p95: "p95"
      case .p99: "p99"
      case .max: "max"
      case .errorCount: "errors"
      case .errorRate: "error_rate"
      case .errorKind(let kind): "errors.\(kind.rawValue)"
      case .logErrors: "log_errors"
      case .logErrorClass(let name): "log_errors.\(name)"
      }
    }

    /// How the observed value reads: milliseconds, a fraction, per second or a count.
    public var unit: ThresholdUnit {
      switch self {
      case .tps: .perSecond
      case .mtt, .p50, .p90, .p95, .p99, .max: .milliseconds
      case .errorRate: .fraction
      case .errorCount, .errorKind, .logErrors, .logErrorClass: .count
      }
    }

    /// Whether the figure comes from the target's logs (it needs a log source).
    public var needsLogs: Bool {
      switch self {
      case .logErrors, .logErrorClass: true
      default: false
      }
    }
  }

  public enum Comparison: String, Sendable, Hashable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    public func holds(_ observed: Double, _ limit: Double) -> Bool {
      switch self {
      case .less: observed < limit
      case .lessOrEqual: observed <= limit
      case .greater: observed > limit
      case .greaterOrEqual: observed >= limit
      }
    }
  }

  /// The expression without spaces, as the summary, the journal and the screen name it.
  public var expression: String
  public var metric: Metric
  public var comparison: Comparison
  /// The limit in the metric's unit: milliseconds, a fraction 0...1, requests/s or a count.
  public var limit: Double

  public init(metric: Metric, comparison: Comparison, limit: Double, expression: String? = nil) {
    self.metric = metric
    self.comparison = comparison
    self.limit = limit
    self.expression =
      expression ?? "\(metric.name)\(comparison.rawValue)\(ThresholdUnit.plain(limit, metric.unit))"
  }
}

/// How a threshold's figure is measured and shown.
public enum ThresholdUnit: String, Sendable, Hashable {
  case milliseconds, fraction, perSecond, count

  /// The observed value in the vocabulary's spelling of its quantity: plain text (the summary,
  /// the events) `312ms`, `1.25s`, `4.00%`, `512.3/s`, `17`; the screen's panel `312 ms`, `4%`,
  /// `512/s`, `1,234`.
  public func text(_ value: Double, style: TextStyle = .plain) -> String {
    switch self {
    case .milliseconds: LatencyText.format(value, style: style)
    case .fraction: PercentText.format(value, style: style)
    case .perSecond: RateText.perSecond(value, style: style)
    case .count:
      // Plain text keeps the figure as a script compares it: `1234`, `2.50`.
      !value.isFinite
        ? "-"
        : style != .plain
          ? CountText.grouped(Int(value.rounded()))
          : value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
  }

  /// A limit written back as an expression's value (no trailing zeros).
  static func plain(_ value: Double, _ unit: ThresholdUnit) -> String {
    let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    switch unit {
    case .milliseconds: return number + "ms"
    case .fraction: return plain(value * 100, .count) + "%"
    case .perSecond, .count: return number
    }
  }
}

/// Why an expression is not a threshold; `description` is the one line the user sees.
public struct ThresholdError: Error, Sendable, Equatable, CustomStringConvertible {
  public var expression: String
  public var reason: String

  public init(expression: String, reason: String) {
    self.expression = expression
    self.reason = reason
  }

  public var description: String { "threshold '\(expression)': \(reason)" }
}

extension Threshold {
  /// Metric names as typed, for the error that lists them.
  public static let metricNames =
    "tps, mtt (avg), p50, p90, p95, p99, max, errors, error_rate, errors.KIND, log_errors, log_errors.CLASS"

  /// Parses `METRIC OP VALUE[UNIT]`, spaces allowed around the parts.
  public init(parsing text: String) throws(ThresholdError) {
    let trimmed = text.trimmingSpaces
    func fail(_ reason: String) -> ThresholdError { ThresholdError(expression: trimmed, reason: reason) }
    guard !trimmed.isEmpty else {
      throw fail("expected METRIC OP VALUE, such as 'p95<300ms', 'errors<1%' or 'tps>500'")
    }
    var rest = Substring(trimmed)
    let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" })
    guard !name.isEmpty else {
      throw fail("expected a metric name first (\(Self.metricNames))")
    }
    rest = rest.dropFirst(name.count).drop { $0.isWhitespace }
    let comparison: Comparison
    if rest.hasPrefix("<=") {
      comparison = .lessOrEqual
    } else if rest.hasPrefix(">=") {
      comparison = .greaterOrEqual
    } else if rest.hasPrefix("<") {
      comparison = .less
    } else if rest.hasPrefix(">") {
      comparison = .greater
    } else {
      throw fail("expected <, <=, > or >= after '\(name)'")
    }
    rest = rest.dropFirst(comparison.rawValue.count).drop { $0.isWhitespace }
    let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    guard !digits.isEmpty, let number = Double(digits), number.isFinite else {
      throw fail("expected a number after '\(comparison.rawValue)'")
    }
    let unit = String(rest.dropFirst(digits.count)).trimmingSpaces
    let (metric, limit) = try Self.resolve(name: name, number: number, unit: unit, fail: fail)
    self.init(
      metric: metric, comparison: comparison, limit: limit,
      expression: name + comparison.rawValue + digits + unit)
  }

  /// The metric a name and unit mean, and the limit in that metric's unit.
  private static func resolve(
    name: String, number: Double, unit: String, fail: (String) -> ThresholdError
  ) throws(ThresholdError) -> (Metric, Double) {
    let latency: [String: Metric] = [
      "mtt": .mtt, "avg": .mtt, "p50": .p50, "p90": .p90, "p95": .p95, "p99": .p99, "max": .max,
    ]
    if let metric = latency[name] {
      switch unit {
      case "", "ms": return (metric, number)
      case "us", "µs": return (metric, number / 1000)
      case "s": return (metric, number * 1000)
      default: throw fail("unknown unit '\(unit)' for \(name) (expected us, ms or s; a plain number is ms)")
      }
    }
    switch name {
    case "tps":
      guard unit.isEmpty || unit == "/s" else {
        throw fail("\(name) takes requests per second as a plain number, not '\(unit)'")
      }
      return (.tps, number)
    case "errors":
      switch unit {
      case "": return (.errorCount, number)
      case "%": return (.errorRate, try percentage(number, fail: fail))
      default:
        throw fail(
          "unknown unit '\(unit)' for errors (a plain number is a count, a percentage such as 1% a rate)")
      }
    case "error_rate":
      switch unit {
      case "%": return (.errorRate, try percentage(number, fail: fail))
      case "" where number <= 1: return (.errorRate, number)
      default: throw fail("error_rate takes a fraction from 0 to 1 or a percentage such as 1%")
      }
    case "log_errors":
      return (.logErrors, try count(name, number, unit, fail: fail))
    default:
      break
    }
    if name.hasPrefix("errors.") {
      let kindName = String(name.dropFirst("errors.".count))
      guard let kind = ErrorKind(rawValue: kindName) else {
        let kinds = ErrorKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw fail("unknown error kind '\(kindName)' (expected one of \(kinds))")
      }
      return (.errorKind(kind), try count(name, number, unit, fail: fail))
    }
    if name.hasPrefix("log_errors.") {
      let className = String(name.dropFirst("log_errors.".count))
      guard !className.isEmpty else {
        throw fail("log_errors. needs a class name, such as log_errors.BrokenPipeError")
      }
      return (.logErrorClass(className), try count(name, number, unit, fail: fail))
    }
    throw fail("unknown metric '\(name)' (expected \(metricNames))")
  }

  private static func percentage(_ number: Double, fail: (String) -> ThresholdError) throws(ThresholdError)
    -> Double
  {
    guard number <= 100 else { throw fail("a percentage is at most 100%") }
    return number / 100
  }

  private static func count(
    _ name: String, _ number: Double, _ unit: String, fail: (String) -> ThresholdError
  ) throws(ThresholdError) -> Double {
    guard unit.isEmpty else { throw fail("\(name) takes a count (a plain number), not '\(unit)'") }
    return number
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}
