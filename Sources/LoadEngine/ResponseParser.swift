import Metrics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An incremental HTTP/1.1 response parser that reads straight from the receive buffer. It keeps
/// only what load testing needs (status, framing, keep-alive, redirect target), copies bytes only
/// when a line is split across reads, and classifies every malformed response instead of
/// trapping. A full codec costs several allocations per response; this costs none.
public struct ResponseParser: Sendable {
  public enum Outcome: Equatable, Sendable {
    case needMore
    /// The response ended after `consumed` bytes of the buffer just fed.
    case complete(consumed: Int)
    case failed(ProtocolViolation)
  }

  enum State: Equatable {
    case statusLine, headers, body(remaining: Int), chunkSize, chunkData(remaining: Int)
    case chunkDataEnd, trailers, untilClose, done
  }

  /// Status line plus headers larger than this are refused, as servers refuse huge requests.
  public static let maxHeaderBytes = 64 * 1024
  /// A chunk-size line (with its extensions) longer than this is refused.
  static let maxChunkLineBytes = 4096

  private(set) var state = State.statusLine
  private var pending: [UInt8] = []
  private var headerBytes = 0
  private var responseHasNoBody = false
  public private(set) var status = 0
  private var isHTTP10 = false
  private var connectionClose = false
  private var connectionKeepAlive = false
  private var contentLength: Int?
  private var chunked = false
  private var transferEncoded = false
  public private(set) var location: [UInt8]?

  public init() {
    pending.reserveCapacity(256)
  }

  /// Prepares for the next response. `expectBody` is false for HEAD requests.
  public mutating func reset(expectBody: Bool = true) {
    state = .statusLine
    if !pending.isEmpty { pending.removeAll(keepingCapacity: true) }
    headerBytes = 0
    responseHasNoBody = !expectBody
    clearHead()
  }

  private mutating func clearHead() {
    status = 0
    isHTTP10 = false
    connectionClose = false
    connectionKeepAlive = false
    contentLength = nil
    chunked = false
    transferEncoded = false
    location = nil
  }

  /// Whether the connection may carry another request after this response.
  public var keepAlive: Bool {
    if state == .untilClose || connectionClose { return false }
    return isHTTP10 ? connectionKeepAlive : true
  }

  public var isComplete: Bool { state == .done }
  /// True once the status line has been read (some of the response arrived).
  public var sawStatus: Bool { status != 0 }

  /// What was wrong with the bytes received when the peer closed before the response was complete:
  /// nil when they were a plausible but cut-off response (a `read_eof`), else the violation.
  public var violationAtEOF: ProtocolViolation? {
    guard state == .statusLine, !pending.isEmpty else { return nil }
    return Self.couldStartStatusLine(pending) ? nil : .badStatusLine
  }

  /// A response must begin with "HTTP/"; anything else (an HTTP/0.9 body, a banner) is refused as
  /// soon as it is seen rather than when the connection closes.
  static func couldStartStatusLine(_ bytes: some Sequence<UInt8>) -> Bool {
    zip(bytes, "HTTP/".utf8).allSatisfy { $0 == $1 }
  }

  /// Called when the peer closed the connection: a body delimited by the close is then complete.
  public mutating func finishAtEOF() -> Bool {
    if state == .untilClose {
      state = .done
      // The close delimited the body: the connection is gone, whatever the headers said.
      connectionClose = true
    }
    return state == .done
  }

  public mutating func consume(_ buffer: UnsafeRawBufferPointer) -> Outcome {
    guard let base = buffer.baseAddress else { return .needMore }
    let n = buffer.count
    var i = 0
    while i < n {
      switch state {
      case .statusLine, .headers, .chunkSize, .chunkDataEnd, .trailers:
        guard let found = memchr(base + i, 10, n - i) else {
          pending.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: n - i))
          if let limitHit = checkLineLimits(extra: 0) { return .failed(limitHit) }
          if state == .statusLine, !Self.couldStartStatusLine(pending) { return .failed(.badStatusLine) }
          return .needMore
        }
        let lf = base.distance(to: UnsafeRawPointer(found))
        let failure: ProtocolViolation?
        if pending.isEmpty {
          failure = handleLine(UnsafeRawBufferPointer(start: base + i, count: lf - i))
        } else {
          pending.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: lf - i))
          var line: [UInt8] = []
          swap(&line, &pending)
          failure = line.withUnsafeBytes { handleLine($0) }
          line.removeAll(keepingCapacity: true)
          swap(&line, &pending)
        }
        i = lf + 1
        if let failure { return .failed(failure) }
        if state == .done { return .complete(consumed: i) }
      case .body(let remaining), .chunkData(let remaining):
        let take = min(remaining, n - i)
        i += take
        if case .body = state {
          state = remaining == take ? .done : .body(remaining: remaining - take)
          if state == .done { return .complete(consumed: i) }
        } else {
          state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
        }
      case .untilClose:
        return .needMore
      case .done:
        return .complete(consumed: i)
      }
    }
    return .needMore
  }

  private func checkLineLimits(extra: Int) -> ProtocolViolation? {
    switch state {
    case .statusLine, .headers, .trailers:
      return headerBytes + pending.count + extra > Self.maxHeaderBytes ? .headerTooLarge : nil
    default:
      return pending.count > Self.maxChunkLineBytes ? .badChunk : nil
    }
  }

  /// One line without its LF. Lines must end in CRLF: a bare LF is refused, as strict servers do.
  private mutating func handleLine(_ raw: UnsafeRawBufferPointer) -> ProtocolViolation? {
    if state == .statusLine || state == .headers || state == .trailers {
      headerBytes += raw.count + 1
      if headerBytes > Self.maxHeaderBytes { return .headerTooLarge }
    } else if raw.count > Self.maxChunkLineBytes {
      // The same limit whether the line arrived in one read or was gathered across several.
      return .badChunk
    }
    guard raw.count > 0, raw[raw.count - 1] == 13 else {
      return state == .statusLine && raw.count > 0 && !startsWithHTTPSlash(raw)
        ? .badStatusLine : .bareLineFeed
    }
    let line = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 1)])
    switch state {
    case .statusLine: return parseStatusLine(line)
    case .headers: return line.isEmpty ? endOfHead() : parseHeader(line)
    case .chunkSize: return parseChunkSize(line)
    case .chunkDataEnd:
      guard line.isEmpty else { return .badChunk }
      state = .chunkSize
      return nil
    case .trailers:
      if line.isEmpty {
        state = .done
        return nil
      }
      return line.contains(UInt8(ascii: ":")) ? nil : .badChunk
    default:
      return nil
    }
  }

  private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) -> ProtocolViolation? {
    guard line.count >= 12, startsWithHTTPSlash(line) else { return .badStatusLine }
    let major = line[5]
    let dot = line[6]
    let minor = line[7]
    guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { return .badStatusLine }
    guard major == UInt8(ascii: "1"), minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else {
      return .unsupportedVersion
    }
    guard line[8] == UInt8(ascii: " "), isDigit(line[9]), isDigit(line[10]), isDigit(line[11]),
      line.count == 12 || line[12] == UInt8(ascii: " ")
    else { return .badStatusLine }
    let code = Int(line[9] - 48) * 100 + Int(line[10] - 48) * 10 + Int(line[11] - 48)
    guard (100...599).contains(code) else { return .badStatusLine }
    status = code
    isHTTP10 = minor == UInt8(ascii: "0")
    state = .headers
    return nil
  }

  private mutating func parseHeader(_ line: UnsafeRawBufferPointer) -> ProtocolViolation? {
    guard let bytes = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .badHeader }
    let count = line.count
    // One pass over the name finds the colon and checks every byte is a token character; a line
    // starting with whitespace (obsolete folding, refused as RFC 9112 allows) fails the same way.
    var colon = 0
    while colon < count, isHTTPTokenByte(bytes[colon]) { colon += 1 }
    guard colon > 0, colon < count, bytes[colon] == 0x3A else { return .badHeader }
    var start = colon + 1
    var end = count
    while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
    while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
    let value = bytes + start
    let valueCount = end - start
    guard !containsControlCharacter(value, count: valueCount) else { return .badHeader }

    // Names are told apart by length first: most headers (Date, Server, Content-Type) match none.
    switch colon {
    case 14 where equalsIgnoringCase(bytes, 14, "content-length"):
      guard valueCount > 0, valueCount <= 18 else { return .badContentLength }
      var length = 0
      for i in 0..<valueCount {
        guard isDigit(value[i]) else { return .badContentLength }
        length = length * 10 + Int(value[i] &- 48)
      }
      if let existing = contentLength, existing != length { return .conflictingLength }
      contentLength = length
    case 17 where equalsIgnoringCase(bytes, 17, "transfer-encoding"):
      transferEncoded = true
      chunked = valueCount >= 7 && equalsIgnoringCase(value + valueCount - 7, 7, "chunked")
    case 10 where equalsIgnoringCase(bytes, 10, "connection"):
      if valueCount == 10 && equalsIgnoringCase(value, 10, "keep-alive") {
        connectionKeepAlive = true
      } else {
        let text = UnsafeRawBufferPointer(start: value, count: valueCount)
        if containsIgnoringCase(text, "close") { connectionClose = true }
        if containsIgnoringCase(text, "keep-alive") { connectionKeepAlive = true }
      }
    case 8 where (300..<400).contains(status) && equalsIgnoringCase(bytes, 8, "location"):
      location = Array(UnsafeBufferPointer(start: value, count: valueCount))
    default:
      break
    }
    return nil
  }

  private mutating func endOfHead() -> ProtocolViolation? {
    if (100..<200).contains(status) {
      // 101 would switch protocols, which a load test never asked for.
      if status == 101 { return .badStatusLine }
      let expectBody = !responseHasNoBody
      clearHead()
      responseHasNoBody = !expectBody
      state = .statusLine
      return nil
    }
    if responseHasNoBody || status == 204 || status == 304 {
      state = .done
    } else if chunked {
      state = .chunkSize
    } else if transferEncoded {
      state = .untilClose
    } else if let contentLength {
      state = contentLength == 0 ? .done : .body(remaining: contentLength)
    } else {
      state = .untilClose
    }
    return nil
  }

  private mutating func parseChunkSize(_ line: UnsafeRawBufferPointer) -> ProtocolViolation? {
    var size = 0
    var digits = 0
    for byte in line {
      guard let v = hexValue(byte) else {
        if byte == UInt8(ascii: ";") || byte == 32 || byte == 9 { break }
        return .badChunk
      }
      digits += 1
      if digits > 15 { return .badChunk }
      size = size << 4 | v
    }
    guard digits > 0 else { return .badChunk }
    state = size == 0 ? .trailers : .chunkData(remaining: size)
    return nil
  }
}

@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

@inline(__always) private func startsWithHTTPSlash(_ bytes: UnsafeRawBufferPointer) -> Bool {
  bytes.count >= 5 && bytes[0] == 0x48 && bytes[1] == 0x54 && bytes[2] == 0x54 && bytes[3] == 0x50
    && bytes[4] == 0x2F
}

/// RFC 9110 token characters as two 64-bit masks (bytes 0-63 and 64-127): a shift and a test per
/// byte, where a switch over the ranges cost several compares and branches.
@inline(__always) func isHTTPTokenByte(_ b: UInt8) -> Bool {
  let low: UInt64 = 0x03FF_6CFA_0000_0000  // ! # $ % & ' * + - . 0-9
  let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE  // A-Z ^ _ ` a-z | ~
  let mask = b < 64 ? low : (b < 128 ? high : 0)
  return (mask >> UInt64(b & 63)) & 1 != 0
}

@inline(__always) private func hexValue(_ b: UInt8) -> Int? {
  switch b {
  case 48...57: Int(b - 48)
  case 97...102: Int(b - 87)
  case 65...70: Int(b - 55)
  default: nil
  }
}

@inline(__always) private func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

/// Whether a header value holds a control character other than tab (or DEL). Values are checked
/// eight bytes at a time: a per-byte loop here was the largest single cost of a response.
@inline(__always) func containsControlCharacter(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
  let raw = UnsafeRawPointer(bytes)
  let ones: UInt64 = 0x0101_0101_0101_0101
  let highs: UInt64 = 0x8080_8080_8080_8080
  var i = 0
  while i + 8 <= count {
    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
    // A byte below 0x20 (bytes of 0x80 and up are obs-text, allowed), or a DEL (zero after XOR).
    let below = (word &- ones &* 0x20) & ~word & highs
    let del = word ^ (ones &* 0x7F)
    let isDel = (del &- ones) & ~del & highs
    if below | isDel != 0 { break }
    i += 8
  }
  while i < count {
    let b = bytes[i]
    if (b < 32 && b != 9) || b == 127 { return true }
    i += 1
  }
  return false
}

/// Compares `count` bytes with a constant of lowercase letters and dashes, eight bytes at a time.
/// Setting bit 0x20 lowercases a letter and leaves a dash alone; of the bytes it could confuse with
/// a dash (CR) or a letter (@, [ and the like), none reaches here: names are tokens and values
/// were checked for control characters, and the constants hold no such bytes.
@inline(__always) private func equalsIgnoringCase(
  _ bytes: UnsafePointer<UInt8>, _ count: Int, _ lowercase: StaticString
) -> Bool {
  guard count == lowercase.utf8CodeUnitCount else { return false }
  let a = UnsafeRawPointer(bytes)
  let b = UnsafeRawPointer(lowercase.utf8Start)
  let fold: UInt64 = 0x2020_2020_2020_2020
  var i = 0
  while i + 8 <= count {
    let x = a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
    if x | fold != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
    i += 8
  }
  while i < count {
    if bytes[i] | 0x20 != lowercase.utf8Start[i] { return false }
    i += 1
  }
  return true
}

private func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
  let m = lowercase.utf8CodeUnitCount
  guard bytes.count >= m else { return false }
  let p = lowercase.utf8Start
  outer: for start in 0...(bytes.count - m) {
    for j in 0..<m where lower(bytes[start + j]) != p[j] { continue outer }
    return true
  }
  return false
}
