import Foundation
import LogValues

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
