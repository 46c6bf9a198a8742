import ArgumentParser
import LoadEngine
import Metrics

/// k6-style pass/fail criteria checked live once a second and over the whole run at the end.
struct ThresholdOptions: ParsableArguments {
  @Option(
    name: .customLong("threshold"),
    help: ArgumentHelp(
      "Pass/fail criterion METRIC OP VALUE, e.g. 'p95<300ms', 'errors<1%', 'tps>500' (repeatable).",
      discussion:
        "Metrics: \(Threshold.metricNames). Failing at the end exits with code 99.",
      valueName: "expr"))
  var expressions: [String] = []

  @Flag(name: .customLong("abort-on-fail"), help: "Stop the run as soon as a threshold fails (exit code 99).")
  var abortOnFail = false

  @Option(
    name: .customLong("abort-delay"),
    help: "With --abort-on-fail: let the run go this long before a failing threshold stops it (default 0).")
  var abortDelay: String?

  /// The parsed thresholds; a bad expression is one error line (exit 2) before anything starts.
  func makeThresholds(hasLogs: Bool) throws -> [Threshold] {
    try expressions.map { text in
      try Self.parse(text, hasLogs: hasLogs) { problem in
        switch problem {
        case .syntax(let error): ValidationError("--threshold '\(error.expression)': \(error.reason)")
        case .needsLogs(let expression):
          ValidationError("--threshold '\(expression)' needs a log source (--log FILE or --log-cmd COMMAND)")
        }
      }
    }
  }

  /// Why an expression cannot be used: it does not parse, or it counts log errors in a run that
  /// follows no log.
  enum Problem {
    case syntax(ThresholdError)
    case needsLogs(String)
  }

  /// One expression parsed and checked against the run's sources, for flags and plan files alike;
  /// `error` words the problem for where the expression came from.
  static func parse(_ text: String, hasLogs: Bool, error: (Problem) -> ValidationError) throws -> Threshold {
    let threshold: Threshold
    do throws(ThresholdError) {
      threshold = try Threshold(parsing: text)
    } catch let failure {
      throw error(.syntax(failure))
    }
    if threshold.metric.needsLogs && !hasLogs { throw error(.needsLogs(threshold.expression)) }
    return threshold
  }

  /// Seconds a failing threshold is tolerated before `--abort-on-fail` stops the run.
  func makeAbortDelay() throws -> Double {
    guard let abortDelay else { return 0 }
    do {
      return try parseDuration(abortDelay, flag: "--abort-delay")
    } catch {
      throw ValidationError(error.message)
    }
  }
}
