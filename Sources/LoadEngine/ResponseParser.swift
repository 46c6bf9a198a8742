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
    pending.removeAll(keepingCapacity: true)
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
  static func couldStartStatusLine(_ bytes: [UInt8]) -> Bool {
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
    // Obsolete line folding (a line starting with whitespace) is refused, as RFC 9112 allows.
    guard let base = line.baseAddress, let found = memchr(base, 0x3A, line.count),
      case let colon = base.distance(to: UnsafeRawPointer(found)), colon > 0,
      line[0] != 32, line[0] != 9
    else { return .badHeader }
    let name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
    for byte in name where !isHTTPTokenByte(byte) { return .badHeader }
    var start = colon + 1
    var end = line.count
    while start < end, line[start] == 32 || line[start] == 9 { start += 1 }
    while end > start, line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
    let value = UnsafeRawBufferPointer(rebasing: line[start..<end])
    for byte in value where (byte < 32 && byte != 9) || byte == 127 { return .badHeader }

    if equalsIgnoringCase(name, "content-length") {
      guard value.count > 0, value.count <= 18, value.allSatisfy(isDigit) else {
        return .badContentLength
      }
      let length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
      if let existing = contentLength, existing != length { return .conflictingLength }
      contentLength = length
    } else if equalsIgnoringCase(name, "transfer-encoding") {
      transferEncoded = true
      chunked =
        value.count >= 7
        && equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: value[(value.count - 7)...]), "chunked")
    } else if equalsIgnoringCase(name, "connection") {
      if containsIgnoringCase(value, "close") { connectionClose = true }
      if containsIgnoringCase(value, "keep-alive") { connectionKeepAlive = true }
    } else if (300..<400).contains(status), equalsIgnoringCase(name, "location") {
      location = Array(value)
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

/// RFC 9110 token characters, by a switch the compiler turns into range checks (the generic
/// `String.UTF8View.contains` this replaces was a measurable share of the per-response cost).
@inline(__always) func isHTTPTokenByte(_ b: UInt8) -> Bool {
  switch b {
  case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
  case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
  default: false
  }
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

private func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
  guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
  let p = lowercase.utf8Start
  for i in 0..<bytes.count where lower(bytes[i]) != p[i] { return false }
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
