/// Severity as the log line states it, for styling; nil when the line names none.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
  case debug, info, warning, error, critical

  public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One entry of the log panel: a single line, or a multi-line block (a Python traceback with the
/// log record that introduced it) folded into one event.
public struct LogEvent: Sendable, Equatable {
  /// The one line shown while folded: the line itself, or a traceback's last line
  /// (`BrokenPipeError: [Errno 32] Broken pipe`). Sanitised.
  public var headline: String
  /// Every line of the event in file order, sanitised; `[headline]` for a single line. A block
  /// keeps at most `LogEvent.maximumLines`; `omittedLines` counts the rest.
  public var lines: [String]
  public var omittedLines: Int
  public var level: LogLevel?
  /// Non-nil when this event counts as a log error, by class: `BrokenPipeError`,
  /// `upstream_timed_out`, `access_5xx`, `error`, a user pattern's name, ...
  public var errorClass: String?
  /// The line was longer than the cap and was cut for display and matching.
  public var isCut: Bool

  public static let maximumLines = 200

  public init(
    headline: String, lines: [String]? = nil, omittedLines: Int = 0, level: LogLevel? = nil,
    errorClass: String? = nil, isCut: Bool = false
  ) {
    self.headline = headline
    self.lines = lines ?? [headline]
    self.omittedLines = omittedLines
    self.level = level
    self.errorClass = errorClass
    self.isCut = isCut
  }

  /// Folded into one entry from several lines.
  public var isBlock: Bool { lines.count > 1 || omittedLines > 0 }
}

/// An error event kept as an example of its class: sanitised text (all lines of a traceback),
/// the source's display name and the run time it was read at.
public struct LogErrorSample: Sendable, Equatable {
  public var errorClass: String
  public var source: String
  public var elapsed: Double
  public var text: String

  public init(errorClass: String, source: String, elapsed: Double, text: String) {
    self.errorClass = errorClass
    self.source = source
    self.elapsed = elapsed
    self.text = text
  }
}
