import LogValues

/// Turns one source's lines into log panel events, folding a Python traceback, with the log
/// record or socketserver line that introduced it, into a single event named by the exception
/// on its last line (`BrokenPipeError: [Errno 32] Broken pipe` → `BrokenPipeError`), so one
/// failure counts once however many lines it printed.
///
/// A line that may introduce a traceback, or a traceback that may be followed by a chained one,
/// is held until the next line shows which it is, or until the source has been quiet for a while
/// (`flushIfIdle`).
public struct EventAssembler: Sendable {
  private let classifier: LogClassifier
  private var state = State.idle
  private var lastLineTime = 0.0

  private enum State: Sendable {
    case idle
    /// An error record that a traceback may follow.
    case preamble(Preamble)
    /// Inside a traceback, before its exception line.
    case open(Block)
    /// The exception line arrived; a chained traceback may still follow (after a blank line and
    /// `During handling of the above exception, ...`). `blankLines` come after the exception line.
    case ended(Block, exception: RawLine, blankLines: [RawLine])
  }

  private struct Preamble: Sendable {
    var line: RawLine
    var level: LogLevel?
    var errorClass: String?
  }

  private struct Block: Sendable {
    /// The first `LogEvent.maximumLines - 1` lines, sanitised.
    var lines: [String] = []
    /// The latest line past that, kept so an over-long block still ends with its last line.
    var overflowLine: String? = nil
    var omittedLines = 0
    var isCut = false
    /// The record that introduced the traceback, kept for user patterns.
    var preamble: RawLine? = nil

    mutating func append(_ line: RawLine) {
      append(LineSanitizer.displayText(line), isCut: line.isCut)
    }

    mutating func append(_ text: String, isCut lineIsCut: Bool) {
      isCut = isCut || lineIsCut
      if lines.count < LogEvent.maximumLines - 1 {
        lines.append(text)
      } else {
        if overflowLine != nil { omittedLines += 1 }
        overflowLine = text
      }
    }

    func event(headline: String?, errorClass: String) -> LogEvent {
      let allLines = lines + (overflowLine.map { [$0] } ?? [])
      return LogEvent(
        headline: headline ?? allLines.first ?? "", lines: allLines, omittedLines: omittedLines,
        level: .error, errorClass: errorClass, isCut: isCut)
    }
  }

  public init(classifier: LogClassifier) {
    self.classifier = classifier
  }

  /// Takes the next line of the source; emits the events it completes, in file order.
  public mutating func add(_ line: RawLine, now: Double, emit: (LogEvent) -> Void) {
    lastLineTime = now
    let current = state
    // The block below is then the only owner of its arrays, so appending does not copy them.
    state = .idle
    switch consume current {
    case .idle:
      start(line, emit: emit)

    case .preamble(let preamble):
      if Self.opensTraceback(line) {
        var block = Block(preamble: preamble.line)
        block.append(preamble.line)
        block.append(line)
        state = .open(block)
      } else {
        emit(Self.singleEvent(preamble.line, level: preamble.level, errorClass: preamble.errorClass))
        start(line, emit: emit)
      }

    case .open(var block):
      if Self.continuesTraceback(line) {
        block.append(line)
        state = .open(block)
      } else if Self.isExceptionLine(line) {
        state = .ended(block, exception: line, blankLines: [])
      } else {
        emit(block.event(headline: nil, errorClass: "Traceback"))
        start(line, emit: emit)
      }

    case .ended(var block, let exception, var blankLines):
      if Self.isBlank(line) {
        blankLines.append(line)
        state = .ended(block, exception: exception, blankLines: blankLines)
      } else if Self.chainsException(line) {
        block.append(exception)
        for blank in blankLines { block.append(blank) }
        block.append(line)
        state = .open(block)
      } else {
        close(block, exception: exception, trailing: blankLines, emit: emit)
        start(line, emit: emit)
      }
    }
  }

  /// Emits what is held once no line has come for `idleSeconds`: a writer that printed a
  /// traceback and then went quiet must not have it wait for the next line.
  public mutating func flushIfIdle(now: Double, idleSeconds: Double = 0.5, emit: (LogEvent) -> Void) {
    guard now - lastLineTime >= idleSeconds else { return }
    finish(emit: emit)
  }

  /// Emits everything held (the source ended).
  public mutating func finish(emit: (LogEvent) -> Void) {
    switch state {
    case .idle: break
    case .preamble(let preamble):
      emit(Self.singleEvent(preamble.line, level: preamble.level, errorClass: preamble.errorClass))
    case .open(let block):
      emit(block.event(headline: nil, errorClass: "Traceback"))
    case .ended(let block, let exception, let blankLines):
      close(block, exception: exception, trailing: blankLines, emit: emit)
    }
    state = .idle
  }

  /// Whether a line is held (a preamble, or a traceback not yet known to be complete).
  var isHolding: Bool {
    if case .idle = state { return false }
    return true
  }

  /// A line outside a traceback.
  private mutating func start(_ line: RawLine, emit: (LogEvent) -> Void) {
    if Self.opensTraceback(line) {
      var block = Block()
      block.append(line)
      state = .open(block)
      return
    }
    let (builtIn, patternName) = classifier.classifyParts(line)
    let level = patternName == nil ? builtIn.level : builtIn.level ?? .error
    let errorClass = patternName ?? builtIn.errorClass
    // Python's logger.exception() and socketserver's handle_error() print one error line and then
    // the traceback; hold such a line to see whether one follows. Access lines, nginx lines and
    // exception lines never introduce one.
    let isErrorRecord = builtIn.errorClass.map(Self.preambleClasses.contains) ?? false
    if (isErrorRecord && !Self.isExceptionLine(line)) || Self.isSocketServerPreamble(line) {
      state = .preamble(Preamble(line: line, level: level, errorClass: errorClass))
    } else {
      emit(Self.singleEvent(line, level: level, errorClass: errorClass))
      state = .idle
    }
  }

  /// Emits a traceback that ended with its exception line, then any blank lines after it.
  private func close(_ block: Block, exception: RawLine, trailing: [RawLine], emit: (LogEvent) -> Void) {
    var block = block
    let headline = LineSanitizer.displayText(exception)
    block.append(headline, isCut: exception.isCut)
    let name = exception.bytes.withUnsafeBufferPointer { bytes in
      ByteText.exceptionName(atStartOf: bytes).map { ByteText.string(bytes, $0.lastComponent) }
    }
    // A user pattern may name the exception line, or the record that introduced it, differently.
    let userName =
      classifier.patternName(matching: exception) ?? block.preamble.flatMap(classifier.patternName)
    emit(block.event(headline: headline, errorClass: userName ?? name ?? "Traceback"))
    for blank in trailing {
      emit(Self.singleEvent(blank, level: nil, errorClass: nil))
    }
  }

  /// Built-in classes of lines that may introduce a traceback: log records at error level or
  /// above, and unlevelled lines about an exception.
  private static let preambleClasses: Set<String> = ["error", "critical", "fatal", "exception"]

  private static func singleEvent(_ line: RawLine, level: LogLevel?, errorClass: String?) -> LogEvent {
    LogEvent(
      headline: LineSanitizer.displayText(line), level: level, errorClass: errorClass, isCut: line.isCut)
  }

  // MARK: - Line shapes

  static func opensTraceback(_ line: RawLine) -> Bool {
    line.bytes.withUnsafeBufferPointer { ByteText.hasPrefix($0, "Traceback (most recent call last):") }
  }

  /// Indented frames and source lines, blank lines, and the sentences that chain tracebacks.
  static func continuesTraceback(_ line: RawLine) -> Bool {
    guard let first = line.bytes.first else { return true }
    return first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || isBlank(line) || chainsTraceback(line)
  }

  /// Inside a traceback, the next traceback of a chain continues it.
  static func chainsTraceback(_ line: RawLine) -> Bool {
    opensTraceback(line) || chainsException(line)
  }

  /// The sentences Python prints between the tracebacks of chained exceptions. After an
  /// exception line only these continue the block: a bare `Traceback` there is a new failure.
  static func chainsException(_ line: RawLine) -> Bool {
    line.bytes.withUnsafeBufferPointer { bytes in
      ByteText.hasPrefix(bytes, "During handling of the above exception, another exception occurred:")
        || ByteText.hasPrefix(bytes, "The above exception was the direct cause of the following exception:")
    }
  }

  static func isBlank(_ line: RawLine) -> Bool {
    line.bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
  }

  /// `BrokenPipeError: [Errno 32] Broken pipe`, `asyncio.exceptions.TimeoutError`,
  /// `KeyboardInterrupt`: a dotted name that is not an upper-case log level (`ERROR:`, `INFO:`).
  static func isExceptionLine(_ line: RawLine) -> Bool {
    line.bytes.withUnsafeBufferPointer { bytes in
      guard let name = ByteText.exceptionName(atStartOf: bytes) else { return false }
      return name.lastComponent.contains { ByteText.isLower(bytes[$0]) }
    }
  }

  /// CPython socketserver's `handle_error`, framed by lines of dashes, before a traceback.
  static func isSocketServerPreamble(_ line: RawLine) -> Bool {
    line.bytes.withUnsafeBufferPointer {
      ByteText.hasPrefix($0, "Exception occurred during processing of request from")
    }
  }
}
