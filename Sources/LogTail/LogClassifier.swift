import Foundation

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

/// A level as log formats spell it: `ERROR`, `[warn]`, `level=error`.
enum LevelWord: Sendable {
  case trace, debug, info, notice, warning, error, critical, alert, emergency, fatal, panic

  var level: LogLevel {
    switch self {
    case .trace, .debug: .debug
    case .info, .notice: .info
    case .warning: .warning
    case .error: .error
    case .critical, .alert, .emergency, .fatal, .panic: .critical
    }
  }

  var errorClass: String? {
    switch self {
    case .trace, .debug, .info, .notice, .warning: nil
    case .error: "error"
    case .critical, .alert, .emergency: "critical"
    case .fatal: "fatal"
    case .panic: "panic"
    }
  }

  /// The level a word names, compared without case; nil for any other word.
  static func named(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> LevelWord? {
    var folded: UInt64 = 0
    guard range.count <= 8 else { return nil }
    for index in range {
      let byte = bytes[index]
      guard ByteText.isLetter(byte) else { return nil }
      folded = folded << 8 | UInt64(byte | 0x20)
    }
    switch folded {
    case pack("trace"): return .trace
    case pack("debug"): return .debug
    case pack("info"): return .info
    case pack("notice"): return .notice
    case pack("warn"), pack("warning"): return .warning
    case pack("error"), pack("err"): return .error
    case pack("crit"), pack("critical"): return .critical
    case pack("alert"): return .alert
    case pack("emerg"): return .emergency
    case pack("fatal"): return .fatal
    case pack("panic"): return .panic
    default: return nil
    }
  }

  private static func pack(_ word: StaticString) -> UInt64 {
    var packed: UInt64 = 0
    for index in 0..<word.utf8CodeUnitCount { packed = packed << 8 | UInt64(word.utf8Start[index]) }
    return packed
  }
}

/// Byte-level searches over a line, shared by the classifier and the event assembler.
enum ByteText {
  @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
  @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
  @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
  @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
  @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")
  }

  static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString, at offset: Int = 0)
    -> Bool
  {
    let count = prefix.utf8CodeUnitCount
    guard offset >= 0, offset + count <= bytes.count, let base = bytes.baseAddress else { return false }
    return memcmp(base + offset, prefix.utf8Start, count) == 0
  }

  /// The offset of the first occurrence of `needle` at or after `start`.
  static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int?
  {
    let count = needle.utf8CodeUnitCount
    guard count > 0, start >= 0, let base = bytes.baseAddress else { return nil }
    // memmem is a GNU extension the Glibc module does not export; memchr for the first byte and
    // memcmp for the rest is as fast on log lines, where the first byte is rarely frequent.
    let first = Int32(needle.utf8Start[0])
    var index = start
    let last = bytes.count - count
    while index <= last {
      guard let hit = memchr(base + index, first, last - index + 1) else { return nil }
      let offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
      if count == 1 || memcmp(base + offset + 1, needle.utf8Start + 1, count - 1) == 0 { return offset }
      index = offset + 1
    }
    return nil
  }

  /// Whether `needle` occurs with no letter, digit or `_` right before it (and, when it ends in
  /// a letter, none right after it).
  static func findWord(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var start = 0
    let count = needle.utf8CodeUnitCount
    let endsInWordByte = isWordByte(needle.utf8Start[count - 1])
    while let hit = find(needle, in: bytes, from: start) {
      let end = hit + count
      let clearBefore = hit == 0 || !isWordByte(bytes[hit - 1])
      let clearAfter = !endsInWordByte || end == bytes.count || !isWordByte(bytes[end])
      if clearBefore && clearAfter { return true }
      start = hit + 1
    }
    return false
  }

  /// ASCII case-insensitive search; `needle` is lowercase.
  static func containsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
    let count = needle.utf8CodeUnitCount
    guard count > 0, bytes.count >= count else { return false }
    let first = needle.utf8Start[0]
    let firstUpper = isLower(first) ? first - 0x20 : first
    var index = 0
    let last = bytes.count - count
    while index <= last {
      let byte = bytes[index]
      if byte == first || byte == firstUpper {
        var offset = 1
        while offset < count {
          let wanted = needle.utf8Start[offset]
          let got = bytes[index + offset]
          guard got == wanted || (isLower(wanted) && got == wanted - 0x20) else { break }
          offset += 1
        }
        if offset == count { return true }
      }
      index += 1
    }
    return false
  }

  /// The nginx error log header `[level] PID#TID: ` (after `YYYY/MM/DD HH:MM:SS `, or after a
  /// syslog or container prefix), looked for among the first 96 bytes.
  static func nginxErrorHeader(_ bytes: UnsafeBufferPointer<UInt8>) -> (word: LevelWord, messageStart: Int)? {
    let limit = min(bytes.count, 96)
    var open = 0
    while open < limit {
      defer { open += 1 }
      guard bytes[open] == UInt8(ascii: "[") else { continue }
      var close = open + 1
      while close < limit, isLower(bytes[close]) { close += 1 }
      guard close < bytes.count, bytes[close] == UInt8(ascii: "]"), close > open + 1,
        let word = LevelWord.named(bytes, open + 1..<close)
      else { continue }
      // `] 123#0: `
      var index = close + 1
      guard index < bytes.count, bytes[index] == UInt8(ascii: " ") else { continue }
      index += 1
      let pidStart = index
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
      guard index > pidStart, index < bytes.count, bytes[index] == UInt8(ascii: "#") else { continue }
      index += 1
      let threadStart = index
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
      guard index > threadStart, index < bytes.count, bytes[index] == UInt8(ascii: ":") else { continue }
      return (word, index + 1)
    }
    return nil
  }

  /// The status of an access log line: the three digits after the quoted request line
  /// (`"GET / HTTP/1.1" 503 ...`), and where the request's opening quote is.
  static func accessStatus(_ bytes: UnsafeBufferPointer<UInt8>) -> (status: Int, requestStart: Int)? {
    var start = 0
    while let hit = find("HTTP/", in: bytes, from: start) {
      start = hit + 5
      var index = hit + 5
      while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
      // `HTTP/1.1" 503` then a space or the end of the line.
      guard index > hit + 5, index + 5 <= bytes.count, bytes[index] == UInt8(ascii: "\""),
        bytes[index + 1] == UInt8(ascii: " "), isDigit(bytes[index + 2]), isDigit(bytes[index + 3]),
        isDigit(bytes[index + 4]), index + 5 == bytes.count || bytes[index + 5] == UInt8(ascii: " ")
      else { continue }
      var quote = hit - 1
      while quote >= 0, bytes[quote] != UInt8(ascii: "\"") { quote -= 1 }
      guard quote >= 0 else { continue }
      let status =
        Int(bytes[index + 2] - 0x30) * 100 + Int(bytes[index + 3] - 0x30) * 10 + Int(bytes[index + 4] - 0x30)
      return (status, quote)
    }
    return nil
  }

  /// A dotted identifier at the very start of the line followed by `:` or the end of the line,
  /// as Python prints an exception (`BrokenPipeError: [Errno 32] Broken pipe`,
  /// `asyncio.exceptions.TimeoutError`).
  static func exceptionName(atStartOf bytes: UnsafeBufferPointer<UInt8>)
    -> (name: Range<Int>, lastComponent: Range<Int>)?
  {
    var index = 0
    var componentStart = 0
    while true {
      componentStart = index
      guard index < bytes.count, isLetter(bytes[index]) || bytes[index] == UInt8(ascii: "_") else {
        return nil
      }
      index += 1
      while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
      guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { break }
      index += 1
    }
    let end = index
    if end == bytes.count { return (0..<end, componentStart..<end) }
    guard bytes[end] == UInt8(ascii: ":"), end + 1 == bytes.count || bytes[end + 1] == UInt8(ascii: " ")
    else {
      return nil
    }
    return (0..<end, componentStart..<end)
  }

  /// The first level the line states before `end`: an upper-case word (`ERROR`, `[WARNING]`,
  /// `INFO:`), a lower-case level in brackets (`[error]`, Apache's `[proxy:error]`), or a
  /// `level=` / `"level":"` field.
  static func firstLevelWord(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> LevelWord? {
    var index = 0
    var previousIsWord = false
    while index < end {
      let byte = bytes[index]
      if isUpper(byte), !previousIsWord {
        var wordEnd = index + 1
        while wordEnd < bytes.count, isUpper(bytes[wordEnd]) { wordEnd += 1 }
        if wordEnd == bytes.count || !isWordByte(bytes[wordEnd]),
          let word = LevelWord.named(bytes, index..<wordEnd)
        {
          return word
        }
        index = wordEnd
        previousIsWord = true
        continue
      }
      if byte == UInt8(ascii: "["), let word = bracketedLevel(bytes, open: index) {
        return word
      }
      if byte == UInt8(ascii: "="), hasPrefix(bytes, "level", at: index - 5),
        let word = fieldValue(bytes, index + 1)
      {
        return word
      }
      if byte == UInt8(ascii: ":"), hasPrefix(bytes, "\"level\"", at: index - 7),
        let word = fieldValue(bytes, index + 1)
      {
        return word
      }
      previousIsWord = isWordByte(byte)
      index += 1
    }
    return nil
  }

  /// `[error]`, `[proxy:error]`: the part after the last `:` of a short bracketed word.
  private static func bracketedLevel(_ bytes: UnsafeBufferPointer<UInt8>, open: Int) -> LevelWord? {
    var wordStart = open + 1
    var index = open + 1
    let limit = min(bytes.count, open + 32)
    while index < limit {
      let byte = bytes[index]
      if byte == UInt8(ascii: "]") {
        return index > wordStart ? LevelWord.named(bytes, wordStart..<index) : nil
      }
      if byte == UInt8(ascii: ":") {
        wordStart = index + 1
      } else if !isWordByte(byte) {
        return nil
      }
      index += 1
    }
    return nil
  }

  /// The value of `level=error`, `level="warn"` or `"level":"info"`, starting at `start`.
  private static func fieldValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> LevelWord? {
    var index = start
    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { index += 1 }
    let valueStart = index
    while index < bytes.count, isLetter(bytes[index]) { index += 1 }
    guard index > valueStart, index == bytes.count || !isWordByte(bytes[index]) else { return nil }
    return LevelWord.named(bytes, valueStart..<index)
  }
}
