/// Reads one HTTP/1.1 response from the bytes of a connection as they arrive: the status line
/// and headers, then a body framed by Content-Length, by chunks (Go's exporters send large
/// bodies chunked), or by the end of the connection. Bounded: a head over 64 KiB or a body over
/// the limit is a failure, so a runaway endpoint cannot grow rampart's memory.
struct HTTPResponseDecoder {
  enum Framing: Equatable {
    case length(Int)
    case chunked
    case untilClose
  }

  static let headLimit = 64 << 10

  let bodyLimit: Int
  private var raw: [UInt8] = []
  /// Where the body starts in `raw`, once the head is read.
  private var bodyStart: Int?
  private var framing = Framing.untilClose
  /// The decoded body so far, for chunked framing (the others take it straight from `raw`).
  private var chunkedBody: [UInt8] = []
  /// How far the chunks of `raw` are decoded.
  private var chunkCursor = 0
  private(set) var status: Int?
  private(set) var isComplete = false

  init(bodyLimit: Int) {
    self.bodyLimit = bodyLimit
  }

  /// Takes the next bytes received; throws the reason the response is unusable.
  mutating func feed(_ bytes: ArraySlice<UInt8>) throws(ScrapeFailure) {
    let searchFrom = max(0, raw.count - 3)
    raw.append(contentsOf: bytes)
    // Chunk framing may add to the body's size; more than twice the body is not a metrics page.
    if raw.count > 2 * bodyLimit + Self.headLimit { throw ScrapeFailure(Self.overLimit(bodyLimit)) }
    if bodyStart == nil {
      guard let end = Self.headEnd(in: raw, from: searchFrom) else {
        if raw.count > Self.headLimit { throw ScrapeFailure("the response head is over 64 KiB") }
        return
      }
      try readHead(raw[..<end])
      bodyStart = end
      chunkCursor = end
    }
    try advanceBody()
  }

  /// The connection ended: the body, if the response is whole.
  mutating func finish() throws(ScrapeFailure) -> [UInt8] {
    guard let bodyStart else { throw ScrapeFailure("the connection closed before a response") }
    if !isComplete {
      guard framing == .untilClose else { throw ScrapeFailure("the connection closed mid-body") }
      isComplete = true
    }
    return body(from: bodyStart)
  }

  private func body(from start: Int) -> [UInt8] {
    switch framing {
    case .chunked: return chunkedBody
    case .length(let length): return Array(raw[start..<(start + length)])
    case .untilClose: return Array(raw[start...])
    }
  }

  /// The index just past the blank line that ends the head.
  private static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
    var index = start
    while index + 3 < bytes.count {
      if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
        return index + 4
      }
      index += 1
    }
    return nil
  }

  private mutating func readHead(_ head: ArraySlice<UInt8>) throws(ScrapeFailure) {
    let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n")
    let statusLine = lines.first?.split(separator: " ", maxSplits: 2) ?? []
    guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let code = Int(statusLine[1]) else {
      throw ScrapeFailure("not an HTTP response")
    }
    status = code
    guard code == 200 else { throw ScrapeFailure("HTTP \(code)") }
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let name = line[..<colon].lowercased()
      let value = line[line.index(after: colon)...].trimmingWhitespace().lowercased()
      switch name {
      case "transfer-encoding" where value.contains("chunked"):
        framing = .chunked
      case "content-length" where framing != .chunked:
        guard let length = Int(value), length >= 0 else { throw ScrapeFailure("a bad Content-Length") }
        guard length <= bodyLimit else { throw ScrapeFailure(Self.overLimit(bodyLimit)) }
        framing = .length(length)
      case "content-encoding" where value != "identity":
        throw ScrapeFailure("a compressed body (Content-Encoding: \(value))")
      default:
        continue
      }
    }
  }

  private mutating func advanceBody() throws(ScrapeFailure) {
    guard let bodyStart else { return }
    switch framing {
    case .length(let length):
      isComplete = raw.count - bodyStart >= length
    case .untilClose:
      guard raw.count - bodyStart <= bodyLimit else { throw ScrapeFailure(Self.overLimit(bodyLimit)) }
    case .chunked:
      try decodeChunks()
    }
  }

  /// Decodes every whole chunk received: `SIZE[;ext]\r\n DATA \r\n`, ended by a zero-size chunk
  /// and optional trailer lines up to a blank line.
  private mutating func decodeChunks() throws(ScrapeFailure) {
    while !isComplete {
      guard let lineEnd = lineEnd(from: chunkCursor) else {
        if raw.count - chunkCursor > 1024 { throw ScrapeFailure("a bad chunk size line") }
        return
      }
      let sizeText =
        String(decoding: raw[chunkCursor..<lineEnd], as: UTF8.self)
        .split(separator: ";", maxSplits: 1).first.map { $0.trimmingWhitespace() } ?? ""
      guard let size = Int(sizeText, radix: 16), size >= 0 else { throw ScrapeFailure("a bad chunk size") }
      if size == 0 {
        // Trailer lines, if any, then the blank line that ends the message.
        var cursor = lineEnd + 2
        while let end = self.lineEnd(from: cursor) {
          if end == cursor {
            isComplete = true
            return
          }
          cursor = end + 2
        }
        return
      }
      guard chunkedBody.count + size <= bodyLimit else { throw ScrapeFailure(Self.overLimit(bodyLimit)) }
      let dataStart = lineEnd + 2
      guard raw.count >= dataStart + size + 2 else { return }
      chunkedBody.append(contentsOf: raw[dataStart..<(dataStart + size)])
      chunkCursor = dataStart + size + 2
    }
  }

  /// The index of the next CRLF at or after `start`.
  private func lineEnd(from start: Int) -> Int? {
    var index = start
    while index + 1 < raw.count {
      if raw[index] == 13, raw[index + 1] == 10 { return index }
      index += 1
    }
    return nil
  }

  static func overLimit(_ limit: Int) -> String {
    limit % (1 << 20) == 0 ? "the body is over \(limit >> 20) MiB" : "the body is over \(limit) bytes"
  }
}

/// Why a scrape gave no figures: one short phrase for the lost event.
struct ScrapeFailure: Error, Sendable, Equatable {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}
