import LogValues

/// Turns one source's lines into log panel events, folding a Python traceback, with the log
/// record or socketserver line that introduced it, into a single event named by the exception
/// on its last line (`BrokenPipeError: [Errno 32] Broken pipe` → `BrokenPipeError`), so one
/// failure counts once however many lines it printed.
///
/// A line that may introduce a traceback, or a traceback that may be followed by a chained one,
/// is held until the next line shows which it is, or until the source has been quiet for a while
/// (`flushIfIdle`).
///
/// Threads of one server write their tracebacks into one file at the same time, line by line
/// (`traceback.print_exc` and `logging` write whole lines): a traceback's frames can then be cut
/// by another's header, its error record, the dashes around it, or an access line. So every
/// exception line is one event named by its exception, however its traceback was cut: a header
/// that comes inside an open traceback opens one more (unless a chain sentence announced it), an
/// exception line closes one, the records and dashes of the others join the block, and other lines
/// pass through as their own events. A traceback still open after `strayLimit` lines with none
/// of its own was cut short and is emitted as `Traceback`.
public struct EventAssembler: Sendable {
  private let classifier: LogClassifier
  private var state = State.idle
  private var lastLineTime = 0.0
  /// Unrelated lines an open traceback outlives before it counts as cut short.
  static let strayLimit = 16
  /// Error records and dashes held together waiting for a traceback (interleaved writers each
  /// print theirs); past this many they are emitted as they are.
  static let heldLimit = 8

  private enum State: Sendable {
    case idle
    /// Error records (and the dashes between them) that a traceback may follow, and how many
    /// other lines passed meanwhile.
    case preamble([Preamble], passed: Int)
    /// Inside `opened` tracebacks (more than one when writers interleave), before their exception
    /// lines.
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
    /// Tracebacks open in this block: more than one when writers interleave.
    var opened = 1
    /// A chain sentence came last: the next header continues this traceback, not another one.
    var chainPending = false
    /// Lines since the last one of a traceback (header, frame, chain sentence, exception).
    var strayLines = 0

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

    case .preamble(var held, let passed):
      if Self.opensTraceback(line) {
        var block = Block(preamble: held.first { $0.errorClass != nil }?.line)
        for preamble in held { block.append(preamble.line) }
        block.append(line)
        state = .open(block)
      } else if held.count < Self.heldLimit, let next = preamble(line) ?? separator(line) {
        // Another writer's record or dashes before the traceback comes.
        held.append(next)
        state = .preamble(held, passed: passed)
      } else if passed < Self.strayLimit, held.contains(where: { Self.isSocketServerPreamble($0.line) }) {
        // socketserver always prints the traceback after its record, with print() calls that
        // other threads' lines can come between: those pass, the record waits. (A logging record
        // is written with its traceback in one write, so the line after it decides.)
        emit(classified(line))
        state = .preamble(held, passed: passed + 1)
      } else {
        release(held, emit: emit)
        start(line, emit: emit)
      }

    case .open(var block):
      if Self.opensTraceback(line) {
        // After a chain sentence the header continues this traceback; otherwise another writer's
        // traceback has begun inside this one.
        if !block.chainPending { block.opened += 1 }
        block.chainPending = false
        block.strayLines = 0
        block.append(line)
        state = .open(block)
      } else if Self.continuesTraceback(line) {
        block.chainPending = block.chainPending || Self.chainsException(line)
        block.strayLines = 0
        block.append(line)
        state = .open(block)
      } else if Self.isExceptionLine(line) {
        if block.opened > 1 {
          // One of the interleaved tracebacks ended: its exception is one event now.
          close(block, exception: line, trailing: [], emit: emit)
          var rest = Block()
          rest.opened = block.opened - 1
          state = .open(rest)
        } else {
          state = .ended(block, exception: line, blankLines: [])
        }
      } else if block.strayLines >= Self.strayLimit {
        emit(block.event(headline: nil, errorClass: "Traceback"))
        start(line, emit: emit)
      } else {
        block.strayLines += 1
        if preamble(line) != nil || separator(line) != nil {
          // Another writer's record or dashes around its own traceback.
          block.append(line)
        } else {
          emit(classified(line))
        }
        state = .open(block)
      }

    case .ended(var block, let exception, var blankLines):
      if Self.isBlank(line) {
        blankLines.append(line)
        state = .ended(block, exception: exception, blankLines: blankLines)
      } else if Self.chainsException(line) {
        block.append(exception)
        for blank in blankLines { block.append(blank) }
        block.append(line)
        block.chainPending = true
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
    case .preamble(let held, _): release(held, emit: emit)
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
    if let preamble = preamble(line) {
      state = .preamble([preamble], passed: 0)
    } else {
      emit(classified(line))
      state = .idle
    }
  }

  /// The line as an error record that may introduce a traceback, or nil. Python's
  /// logger.exception() and socketserver's handle_error() print one error line and then the
  /// traceback. Access lines, nginx lines and exception lines never introduce one.
  private func preamble(_ line: RawLine) -> Preamble? {
    let (builtIn, patternName) = classifier.classifyParts(line)
    let isErrorRecord = builtIn.errorClass.map(Self.preambleClasses.contains) ?? false
    guard (isErrorRecord && !Self.isExceptionLine(line)) || Self.isSocketServerPreamble(line) else {
      return nil
    }
    let level = patternName == nil ? builtIn.level : builtIn.level ?? .error
    return Preamble(line: line, level: level, errorClass: patternName ?? builtIn.errorClass)
  }

  /// socketserver's dashes around its error record and traceback, held with the records (a
  /// line of them is never an error).
  private func separator(_ line: RawLine) -> Preamble? {
    guard Self.isSeparator(line) else { return nil }
    return Preamble(line: line, level: nil, errorClass: nil)
  }

  /// The line as an event of its own, classified.
  private func classified(_ line: RawLine) -> LogEvent {
    let (builtIn, patternName) = classifier.classifyParts(line)
    let level = patternName == nil ? builtIn.level : builtIn.level ?? .error
    return Self.singleEvent(line, level: level, errorClass: patternName ?? builtIn.errorClass)
  }

  /// Held records that no traceback followed: each an event of its own, in file order.
  private func release(_ held: [Preamble], emit: (LogEvent) -> Void) {
    for preamble in held {
      emit(Self.singleEvent(preamble.line, level: preamble.level, errorClass: preamble.errorClass))
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

  /// A line of eight or more dashes and nothing else.
  static func isSeparator(_ line: RawLine) -> Bool {
    line.bytes.count >= 8 && line.bytes.allSatisfy { $0 == UInt8(ascii: "-") }
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
