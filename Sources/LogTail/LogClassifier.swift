import Foundation
import LogValues

public struct LogClassifier: Sendable {
  public let patterns: [LogPattern]

  public init(patterns: [LogPattern] = []) {
    self.patterns = patterns
  }

  /// Matches the kept bytes only (a cut line is matched on its first `LineLimits.keptBytes`).
  /// A line a user pattern matches keeps the level it states, or `.error` if it states none.
  public func classify(_ line: RawLine) -> (level: LogLevel?, errorClass: String?) {
    let (builtIn, patternName) = classifyParts(line)
    if let patternName { return (builtIn.level ?? .error, patternName) }
    return builtIn
  }

  /// The built-in verdict and the matching user pattern's name apart: the event assembler
  /// decides from the built-in class whether a line may introduce a traceback.
  func classifyParts(_ line: RawLine) -> (
    builtIn: (level: LogLevel?, errorClass: String?), patternName: String?
  ) {
    (line.bytes.withUnsafeBufferPointer { Self.builtInClass(of: $0) }, patternName(matching: line))
  }

  /// The name of the first user pattern that matches the line, if any.
  func patternName(matching line: RawLine) -> String? {
    guard !patterns.isEmpty else { return nil }
    let text = String(decoding: line.bytes, as: UTF8.self)
    return patterns.first { $0.matches(text) }?.name
  }

  /// The built-in rules, in order: worker timeouts, nginx error log, access logs with a 5xx
  /// status, an exception named at the start of the line, the line's first level word, and for
  /// lines without one `panic:` and the word `Exception`.
  static func builtInClass(of bytes: UnsafeBufferPointer<UInt8>) -> (level: LogLevel?, errorClass: String?) {
    guard !bytes.isEmpty else { return (nil, nil) }

    // gunicorn: `[2024-01-01 12:00:00 +0000] [7] [CRITICAL] WORKER TIMEOUT (pid:123)`.
    if ByteText.containsIgnoringCase(bytes, "worker timeout") {
      return (.critical, "worker_timeout")
    }

    // nginx: `2024/01/01 12:00:00 [error] 123#0: *1 upstream timed out (110: ...) while ...`.
    if let header = ByteText.nginxErrorHeader(bytes) {
      let message = header.messageStart
      for (phrase, name) in nginxProblems where ByteText.find(phrase, in: bytes, from: message) != nil {
        return (header.word.level, name)
      }
      return (header.word.level, header.word.errorClass)
    }

    // Access logs (nginx/Apache combined, uvicorn, gunicorn, http.server): the status follows the
    // quoted request line. The class comes from the status alone, whatever level the logger used.
    if let access = ByteText.accessStatus(bytes) {
      if access.status >= 500 { return (.error, "access_5xx") }
      return (ByteText.firstLevelWord(bytes, before: access.requestStart)?.level, nil)
    }

    // `ValueError: bad`, `psycopg2.OperationalError: FATAL: ...`: the exception's own name is
    // the most precise class there is.
    if let name = ByteText.exceptionName(atStartOf: bytes)?.lastComponent {
      let endsInError = ByteText.hasPrefix(bytes, "Error", at: name.upperBound - 5)
      let endsInException = ByteText.hasPrefix(bytes, "Exception", at: name.upperBound - 9)
      if endsInError || endsInException {
        // Node's `Error: ...` or a bare `Exception: ...` names no particular class.
        let isBare = name.count == (endsInError ? 5 : 9)
        return (.error, isBare ? (endsInError ? "error" : "exception") : ByteText.string(bytes, name))
      }
    }

    // Python logging (`ERROR:    msg`, `... ERROR    name: msg`, `[7] [ERROR] msg`) and most other
    // formats state a level; the first level word is the line's level and a stated level below
    // error means the line reports no error, whatever its message says.
    if let word = ByteText.firstLevelWord(bytes, before: bytes.count) {
      return (word.level, word.errorClass)
    }

    if ByteText.findWord("panic:", in: bytes) { return (.critical, "panic") }
    if ByteText.findWord("Exception", in: bytes) { return (.error, "exception") }
    return (nil, nil)
  }

  /// nginx messages worth a class of their own under load, checked in this order.
  private static let nginxProblems: [(StaticString, String)] = [
    ("upstream timed out", "upstream_timed_out"),
    ("connect() failed", "connect_failed"),
    ("no live upstreams", "no_live_upstreams"),
    // A backend that dies or restarts under load: nginx sees its connections reset or closed.
    ("Connection reset by peer) while reading response header from upstream", "upstream_reset"),
    ("upstream prematurely closed connection", "upstream_closed"),
    ("worker_connections are not enough", "worker_connections"),
  ]
}
