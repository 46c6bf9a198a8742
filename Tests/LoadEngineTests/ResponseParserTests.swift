import Foundation
import LoadEngine
import Metrics
import SeededRandom
import Testing

// MARK: - helpers

/// How feeding a whole input ended, independent of how it was split into reads.
private enum ParseEnd: Equatable, CustomStringConvertible {
  /// The response ended `at` bytes into the input.
  case complete(at: Int, status: Int, keepAlive: Bool, location: [UInt8]?)
  case failed(ProtocolViolation)
  /// Every byte was taken and more are wanted: what a close (EOF) would make of it.
  case needMore(completeAtEOF: Bool, violationAtEOF: ProtocolViolation?, status: Int)
  /// The parser broke its contract (`consumed` outside the buffer fed).
  case contractBroken(String)

  var description: String {
    switch self {
    case .complete(let at, let status, let keepAlive, let location):
      "complete(at: \(at), status: \(status), keepAlive: \(keepAlive), location: "
        + "\(location.map { String(decoding: $0, as: UTF8.self) } ?? "nil"))"
    case .failed(let v): "failed(\(v))"
    case .needMore(let eof, let v, let status):
      "needMore(eof: \(eof), violation: \(String(describing: v)), \(status))"
    case .contractBroken(let why): "contractBroken(\(why))"
    }
  }
}

extension ResponseParser {
  fileprivate mutating func feed(_ bytes: some Collection<UInt8>) -> Outcome {
    Array(bytes).withUnsafeBytes { consume($0) }
  }
}

/// Feeds `input` in pieces ending at each of `cuts` (sorted offsets), as reads would deliver it.
private func parse(_ input: [UInt8], cuts: [Int] = [], expectBody: Bool = true) -> ParseEnd {
  var parser = ResponseParser()
  parser.reset(expectBody: expectBody)
  var start = 0
  for end in cuts.filter({ $0 > 0 && $0 < input.count }) + [input.count] where end > start {
    let chunk = input[start..<end]
    switch parser.feed(chunk) {
    case .needMore:
      break
    case .complete(let consumed):
      guard (0...chunk.count).contains(consumed) else {
        return .contractBroken("consumed \(consumed) of \(chunk.count)")
      }
      guard parser.isComplete else { return .contractBroken("complete but not isComplete") }
      return .complete(
        at: start + consumed, status: parser.status, keepAlive: parser.keepAlive,
        location: parser.location)
    case .failed(let violation):
      return .failed(violation)
    }
    start = end
  }
  let violation = parser.violationAtEOF
  let status = parser.status
  let eof = parser.finishAtEOF()
  return .needMore(completeAtEOF: eof, violationAtEOF: violation, status: status)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Asserts that every way of cutting `input` in two, and feeding it one byte at a time, ends the same.
private func expectSplitInvariant(
  _ input: [UInt8], expectBody: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) -> ParseEnd {
  let whole = parse(input, expectBody: expectBody)
  for cut in 1..<max(1, input.count) {
    let split = parse(input, cuts: [cut], expectBody: expectBody)
    if split != whole {
      Issue.record("cut at \(cut): \(split) but whole: \(whole)", sourceLocation: sourceLocation)
      break
    }
  }
  let single = parse(input, cuts: Array(0...input.count), expectBody: expectBody)
  #expect(single == whole, "byte by byte", sourceLocation: sourceLocation)
  return whole
}

private let okBody = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")

private let chunkedWithExtensionsAndTrailers = bytes(
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: test\r\n\r\n"
    + "5;name=value\r\nhello\r\n"
    + "1A ; ext=\"quoted\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
    + "b\t;tab\r\n0123456789a\r\n"
    + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n")

// MARK: - valid responses

@Suite struct ResponseParserValidTests {
  @Test func contentLengthBody() {
    let end = expectSplitInvariant(okBody)
    #expect(end == .complete(at: okBody.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func zeroContentLengthEndsAtTheHead() {
    let input = bytes("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
    #expect(
      expectSplitInvariant(input) == .complete(at: input.count, status: 201, keepAlive: true, location: nil))
  }

  @Test func repeatedEqualContentLengthIsAccepted() {
    let input = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length:2\r\n\r\nok")
    #expect(parse(input) == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func chunkedBodyWithExtensionsAndTrailers() {
    let end = expectSplitInvariant(chunkedWithExtensionsAndTrailers)
    #expect(
      end
        == .complete(at: chunkedWithExtensionsAndTrailers.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func chunkedIsFinalCodingOnlyWhenLast() {
    let gzipChunked = bytes(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    #expect(
      parse(gzipChunked) == .complete(at: gzipChunked.count, status: 200, keepAlive: true, location: nil))
    // Chunked not last: the body runs until the server closes (RFC 9112 6.3).
    let chunkedGzip = bytes(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    #expect(parse(chunkedGzip) == .needMore(completeAtEOF: true, violationAtEOF: nil, status: 200))
  }

  @Test func transferEncodingOverridesContentLength() {
    let input = bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
    #expect(parse(input) == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func bodyUntilCloseCompletesAtEOF() {
    let input = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>no length</html>")
    #expect(expectSplitInvariant(input) == .needMore(completeAtEOF: true, violationAtEOF: nil, status: 200))
    var parser = ResponseParser()
    #expect(parser.feed(input) == .needMore)
    #expect(!parser.keepAlive)
    #expect(!parser.isComplete)
    #expect(parser.feed(bytes("more body")) == .needMore)
    let finished = parser.finishAtEOF()
    #expect(finished)
    #expect(parser.isComplete)
    #expect(parser.status == 200)
    #expect(!parser.keepAlive)
  }

  @Test func emptyBodyUntilClose() {
    let input = bytes("HTTP/1.0 200 OK\r\n\r\n")
    #expect(parse(input) == .needMore(completeAtEOF: true, violationAtEOF: nil, status: 200))
  }

  @Test func headResponseHasNoBodyWhateverItsHeadersSay() {
    for head in [
      "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
    ] {
      let input = bytes(head)
      #expect(
        expectSplitInvariant(input, expectBody: false)
          == .complete(at: input.count, status: 200, keepAlive: true, location: nil), "\(head)")
    }
    // The same head for a GET waits for the body.
    #expect(
      parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"))
        == .needMore(
          completeAtEOF: false, violationAtEOF: nil, status: 200))
  }

  @Test(arguments: [204, 304])
  func noBodyStatuses(status: Int) {
    let reason = status == 204 ? "No Content" : "Not Modified"
    let input = bytes("HTTP/1.1 \(status) \(reason)\r\nContent-Length: 10\r\nETag: \"x\"\r\n\r\n")
    #expect(
      expectSplitInvariant(input)
        == .complete(at: input.count, status: status, keepAlive: true, location: nil))
    let chunked = bytes("HTTP/1.1 \(status) \(reason)\r\nTransfer-Encoding: chunked\r\n\r\n")
    #expect(parse(chunked) == .complete(at: chunked.count, status: status, keepAlive: true, location: nil))
  }

  @Test func interimResponsesAreSkipped() {
    let input = bytes(
      "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    #expect(
      expectSplitInvariant(input) == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func interimResponseKeepsHeadMode() {
    let input = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")
    #expect(
      parse(input, expectBody: false)
        == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func interimHeadersDoNotLeakIntoTheFinalResponse() {
    let input = bytes(
      "HTTP/1.1 100 Continue\r\nConnection: close\r\nContent-Length: 50\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    #expect(parse(input) == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
  }

  @Test func switchingProtocolsIsRefused() {
    let input = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    #expect(parse(input) == .failed(.badStatusLine))
  }

  @Test(arguments: [
    ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true),
    ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false),
    ("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nok", false),
    ("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok", false),
    ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false),
    ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", true),
    ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", true),
    ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n", false),
  ])
  func keepAliveRules(response: String, keepAlive: Bool) {
    let input = bytes(response)
    guard case .complete(let at, _, let got, _) = parse(input) else {
      Issue.record("did not complete: \(parse(input))")
      return
    }
    #expect(at == input.count)
    #expect(got == keepAlive)
  }

  @Test func leftoverBytesAreNotConsumed() {
    let extra = bytes("HTTP/1.1 200 OK\r\n")
    for response in [okBody, chunkedWithExtensionsAndTrailers, bytes("HTTP/1.1 204 No Content\r\n\r\n")] {
      var parser = ResponseParser()
      #expect(parser.feed(response + extra) == .complete(consumed: response.count))
      #expect(parser.isComplete)
    }
    // The leftover may start in a later read: the response still ends where it ends.
    var parser = ResponseParser()
    #expect(parser.feed(okBody.prefix(okBody.count - 2)) == .needMore)
    #expect(parser.feed(bytes("loEXTRA")) == .complete(consumed: 2))
  }

  @Test func resetParsesTheNextResponseOnTheConnection() {
    var parser = ResponseParser()
    let redirect = bytes("HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n")
    #expect(parser.feed(redirect) == .complete(consumed: redirect.count))
    #expect(parser.location == bytes("/next"))
    parser.reset()
    #expect(parser.status == 0)
    #expect(parser.location == nil)
    #expect(!parser.isComplete)
    #expect(!parser.sawStatus)
    let http10 = bytes("HTTP/1.0 404 Not Found\r\nContent-Length: 1\r\n\r\nx")
    #expect(parser.feed(http10) == .complete(consumed: http10.count))
    #expect(parser.status == 404)
    #expect(!parser.keepAlive)
    parser.reset()
    #expect(parser.feed(okBody) == .complete(consumed: okBody.count))
    #expect(parser.keepAlive)
  }

  @Test func sawStatusOnceTheStatusLineIsRead() {
    var parser = ResponseParser()
    #expect(parser.feed(bytes("HTTP/1.1 200 O")) == .needMore)
    #expect(!parser.sawStatus)
    #expect(parser.feed(bytes("K\r\nServer: x\r\n")) == .needMore)
    #expect(parser.sawStatus)
    #expect(parser.status == 200)
  }

  @Test(arguments: [301, 302, 303, 307, 308, 300, 399])
  func locationIsCapturedForRedirects(status: Int) {
    let input = bytes("HTTP/1.1 \(status) Moved\r\nLocation:   /new/place?q=1 \r\nContent-Length: 0\r\n\r\n")
    #expect(
      parse(input)
        == .complete(at: input.count, status: status, keepAlive: true, location: bytes("/new/place?q=1")))
  }

  @Test(arguments: [200, 201, 404, 500])
  func locationIsIgnoredOutsideRedirects(status: Int) {
    let input = bytes("HTTP/1.1 \(status) X\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")
    #expect(parse(input) == .complete(at: input.count, status: status, keepAlive: true, location: nil))
  }

  @Test func statusLineVariants() {
    for line in ["HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.1 599 Whatever Reason", "HTTP/1.1 100 Continue"] {
      var parser = ResponseParser()
      #expect(parser.feed(bytes(line + "\r\n")) == .needMore, "\(line)")
      #expect(parser.sawStatus, "\(line)")
    }
  }

  @Test func headerBlockUpToTheLimitIsAccepted() {
    let max = ResponseParser.maxHeaderBytes
    func response(headBytes: Int) -> [UInt8] {
      let fixed = "HTTP/1.1 200 OK\r\n" + "X-Pad: \r\n" + "Content-Length: 0\r\n" + "\r\n"
      let pad = String(repeating: "p", count: headBytes - fixed.utf8.count)
      return bytes("HTTP/1.1 200 OK\r\nX-Pad: \(pad)\r\nContent-Length: 0\r\n\r\n")
    }
    let fits = response(headBytes: max)
    #expect(fits.count == max)
    #expect(parse(fits) == .complete(at: max, status: 200, keepAlive: true, location: nil))
    #expect(parse(fits, cuts: Array(stride(from: 0, to: max, by: 1_000))) == parse(fits))
    let tooBig = response(headBytes: max + 1)
    #expect(parse(tooBig) == .failed(.headerTooLarge))
    #expect(parse(tooBig, cuts: Array(stride(from: 0, to: max, by: 1_000))) == .failed(.headerTooLarge))
    // Many small headers add up the same way.
    let many = bytes("HTTP/1.1 200 OK\r\n" + String(repeating: "X-A: b\r\n", count: max / 8) + "\r\n")
    #expect(parse(many) == .failed(.headerTooLarge))
  }

  @Test func cutOffResponsesWantMoreAndAreNotViolations() {
    let cutOffs = [
      "HTTP/1.", "HTTP/1.1 200 OK\r", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
      "HTTP/1.1 100 Continue\r\n\r\n",
    ]
    for text in cutOffs {
      let end = expectSplitInvariant(bytes(text))
      guard case .needMore(let eof, let violation, _) = end else {
        Issue.record("\(text.debugDescription): \(end)")
        continue
      }
      #expect(!eof, "\(text.debugDescription)")
      #expect(violation == nil, "\(text.debugDescription)")
    }
  }
}

// MARK: - malformed responses

@Suite struct ResponseParserMalformedTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/malformed")

  /// The violation each corpus file must give; nil: a cut-off (empty) response, a read_eof.
  static let expected: [String: ProtocolViolation?] = [
    "01-no-status-line.bin": .badStatusLine,
    "02-non-numeric-status.bin": .badStatusLine,
    "03-lf-only-line-endings.bin": .bareLineFeed,
    "04-conflicting-content-length.bin": .conflictingLength,
    "05-negative-content-length.bin": .badContentLength,
    "06-overflowing-content-length.bin": .badContentLength,
    "07-invalid-chunk-size.bin": .badChunk,
    "08-1mib-header-line.bin": .headerTooLarge,
    "09-nul-in-header-value.bin": .badHeader,
    "10-http09-style-body.bin": .badStatusLine,
    "11-ssh-banner.bin": .badStatusLine,
    "12-two-digit-status.bin": .badStatusLine,
    "13-header-without-colon.bin": .badHeader,
    "14-unsupported-version-http2.bin": .unsupportedVersion,
    "15-empty-response.bin": ProtocolViolation?.none,
  ]

  static func corpus() throws -> [(String, [UInt8])] {
    let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
      .filter { $0.hasSuffix(".bin") }.sorted()
    return try names.map { ($0, Array(try Data(contentsOf: fixtures.appendingPathComponent($0)))) }
  }

  @Test func corpusIsComplete() throws {
    let names = try Self.corpus().map(\.0)
    #expect(Set(names) == Set(Self.expected.keys))
  }

  @Test func everyCorpusFileGivesItsViolation() throws {
    for (name, input) in try Self.corpus() {
      let expected = try #require(Self.expected[name], "no expectation for \(name)")
      // Whole, in two at a few points, one byte at a time (the 1 MiB file: only its start matters).
      let singleCuts = Array(0...min(input.count, 70_000))
      let cutSets = [[], [1], [input.count / 2], [input.count - 1], singleCuts]
      for cuts in cutSets {
        let end = parse(input, cuts: cuts)
        if let violation = expected {
          #expect(end == .failed(violation), "\(name) cut at \(cuts.prefix(3))")
        } else {
          #expect(end == .needMore(completeAtEOF: false, violationAtEOF: nil, status: 0), "\(name)")
        }
      }
    }
  }

  @Test func smallCorpusFilesAreSplitInvariant() throws {
    for (_, input) in try Self.corpus() where input.count < 1_000 {
      _ = expectSplitInvariant(input)
    }
  }

  @Test(arguments: [
    ("HTTP/1.1 200 OK\r\n X-Folded: a\r\n\r\n", ProtocolViolation.badHeader),
    ("HTTP/1.1 200 OK\r\nX-A: a\r\n\tfolded\r\n\r\n", .badHeader),
    ("HTTP/1.1 200 OK\r\nBad Name: a\r\n\r\n", .badHeader),
    ("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok", .badHeader),
    ("HTTP/1.1 200 OK\r\n: no name\r\n\r\n", .badHeader),
    ("HTTP/1.1 200 OK\r\nX-Del: a\u{7f}b\r\n\r\n", .badHeader),
    ("HTTP/1.1 200 OK\r\nX-CR: a\rb\r\n\r\n", .badHeader),
    ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", .badContentLength),
    ("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", .badContentLength),
    ("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok", .badContentLength),
    ("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", .badContentLength),
    ("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", .badContentLength),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;ext\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno-colon\r\n\r\n", .badChunk),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n", .bareLineFeed),
    ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n", .bareLineFeed),
    ("\r\nHTTP/1.1 200 OK\r\n\r\n", .badStatusLine),
    ("\nHTTP/1.1 200 OK\r\n\r\n", .bareLineFeed),
    ("HTTP/1.1 099 Low\r\n\r\n", .badStatusLine),
    ("HTTP/1.1 600 High\r\n\r\n", .badStatusLine),
    ("HTTP/1.1 2000 OK\r\n\r\n", .badStatusLine),
    ("HTTP/1.1 200OK\r\n\r\n", .badStatusLine),
    ("HTTP/1.1  200 OK\r\n\r\n", .badStatusLine),
    ("HTTP/11 200 OK\r\n\r\n", .badStatusLine),
    ("HTTP/1.1\r\n\r\n", .badStatusLine),
    ("http/1.1 200 OK\r\n\r\n", .badStatusLine),
    ("HTTP/1.2 200 OK\r\n\r\n", .unsupportedVersion),
    ("HTTP/0.9 200 OK\r\n\r\n", .unsupportedVersion),
    ("HTTP/3.0 200 OK\r\n\r\n", .unsupportedVersion),
    ("HTTP/1.1 100 Continue\r\n\r\nSSH-2.0\r\n", .badStatusLine),
    ("HTTP/1.1 101 Switching Protocols\r\n\r\n", .badStatusLine),
  ])
  func malformed(text: String, violation: ProtocolViolation) {
    #expect(expectSplitInvariant(bytes(text)) == .failed(violation))
  }

  /// Values are checked eight bytes at a time: every byte value at every position of a value
  /// longer than two words must be judged as a byte-by-byte check would (controls but tab, and
  /// DEL, refused; obs-text 0x80-0xFF allowed).
  @Test func everyByteAtEveryPositionOfAValueIsJudgedAsAlone() {
    for position in 0..<19 {
      for byte in UInt8.min...UInt8.max where byte != 13 && byte != 10 {
        var value = Array(repeating: UInt8(ascii: "v"), count: 19)
        value[position] = byte
        let refused = (byte < 32 && byte != 9) || byte == 127
        // Tab at either end is trimmed whitespace, not part of the value; it is allowed anyway.
        let input = bytes("HTTP/1.1 200 OK\r\nX-Value: ") + value + bytes("\r\nContent-Length: 0\r\n\r\n")
        let end = parse(input)
        if refused {
          #expect(end == .failed(.badHeader), "byte \(byte) at \(position)")
        } else {
          #expect(
            end == .complete(at: input.count, status: 200, keepAlive: true, location: nil),
            "byte \(byte) at \(position)")
        }
      }
    }
  }

  /// Header names are checked against the RFC 9110 token set with a bit mask.
  @Test func everyByteInAHeaderNameIsJudgedByTheTokenSet() {
    let tokens = Set("!#$%&'*+-.^_`|~".utf8).union(48...57).union(65...90).union(97...122)
    for byte in UInt8.min...UInt8.max where byte != 10 && byte != UInt8(ascii: ":") {
      let input = bytes("HTTP/1.1 200 OK\r\nX") + [byte] + bytes("Y: 1\r\nContent-Length: 0\r\n\r\n")
      let end = parse(input)
      if tokens.contains(byte) {
        #expect(end == .complete(at: input.count, status: 200, keepAlive: true, location: nil), "\(byte)")
      } else {
        #expect(end == .failed(.badHeader), "\(byte)")
      }
    }
  }

  /// Names and values that decide framing are compared case-insensitively a word at a time; bytes
  /// one bit away from a letter or dash must not pass for it.
  @Test(arguments: [
    ("CONTENT-LENGTH: 2\r\n\r\nok", true),
    ("cOnTeNt-LeNgTh: 2\r\n\r\nok", true),
    ("Content_Length: 2\r\n\r\nok", false),
    ("Content\u{0D}Length: 2\r\n\r\nok", false),
    ("Content-Lengt\u{48}: 2\r\n\r\nok", true),
    ("Content-Lengt@: 2\r\n\r\nok", false),
  ])
  func framingHeaderNamesFoldCaseOnly(head: String, framed: Bool) {
    let input = bytes("HTTP/1.1 200 OK\r\n" + head)
    let end = parse(input)
    if framed {
      #expect(end == .complete(at: input.count, status: 200, keepAlive: true, location: nil))
    } else {
      // Not Content-Length: no framing, so the body runs until the close (or the name is refused).
      #expect(end != .complete(at: input.count, status: 200, keepAlive: true, location: nil))
    }
  }

  @Test(arguments: [
    ("KEEP-ALIVE", true), ("keep-alive", true), ("Keep-Alive", true), ("keep_alive", false),
    ("keep-alivE", true), ("keep-aliv", false), ("keep-alive, Upgrade", true), ("kEEP\u{2D}ALIVE", true),
  ])
  func http10KeepAliveValueFoldsCase(value: String, keepAlive: Bool) {
    let input = bytes("HTTP/1.0 200 OK\r\nConnection: \(value)\r\nContent-Length: 0\r\n\r\n")
    #expect(parse(input) == .complete(at: input.count, status: 200, keepAlive: keepAlive, location: nil))
  }

  @Test func nonHTTPBytesFailOnTheFirstRead() {
    // Refused as soon as they cannot start "HTTP/", without waiting for a line end or the close.
    for text in ["<html>", "SSH-2.0-OpenSSH", "\u{16}\u{03}\u{01}", "{\"error\":", "H\u{0}"] {
      var parser = ResponseParser()
      #expect(parser.feed(bytes(text)) == .failed(.badStatusLine), "\(text.debugDescription)")
    }
  }

  @Test func longChunkSizeLineIsRefusedHoweverItArrives() {
    // "5;" + extension + CR is the line; 4096 bytes of it are accepted, one more is not.
    func response(lineBytes: Int) -> [UInt8] {
      let ext = String(repeating: "x", count: lineBytes - 3)
      return bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;\(ext)\r\nhello\r\n0\r\n\r\n")
    }
    let fits = response(lineBytes: 4_096)
    let tooLong = response(lineBytes: 4_097)
    for cuts in [[], [60], Array(stride(from: 0, to: fits.count, by: 1_000)), Array(0...fits.count)] {
      #expect(
        parse(fits, cuts: cuts) == .complete(at: fits.count, status: 200, keepAlive: true, location: nil))
      #expect(parse(tooLong, cuts: cuts) == .failed(.badChunk), "cuts: \(cuts.prefix(3))")
    }
  }
}

// MARK: - fuzz

@Suite struct ResponseParserFuzzTests {
  static let seeds: [[UInt8]] = [
    okBody,
    chunkedWithExtensionsAndTrailers,
    bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    bytes("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc"),
    bytes("HTTP/1.1 301 Moved Permanently\r\nLocation: http://h/x\r\nContent-Length: 0\r\n\r\n"),
    bytes("HTTP/1.1 204 No Content\r\nDate: Mon, 01 Jan 2027 00:00:00 GMT\r\n\r\n"),
    bytes("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy"),
    bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close"),
    bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
  ]

  static let interesting: [UInt8] = Array("\r\n\0 :;0123456789aFzZ-\t".utf8) + [0x7F, 0xFF]

  private static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
      switch Int.random(in: 0..<7, using: &rng) {
      case 0 where !bytes.isEmpty:
        bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
      case 1 where !bytes.isEmpty:
        bytes[at] = UInt8.random(in: 0...255, using: &rng)
      case 2:
        bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
      case 3:
        bytes.insert(interesting.randomElement(using: &rng)!, at: at)
      case 4 where !bytes.isEmpty:
        bytes.remove(at: at)
      case 5:
        // Duplicate one line (a header, a chunk-size line, a status line) in place.
        let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 10 }.map { $0 + 1 }
        let s = lineStarts.randomElement(using: &rng)!
        let e = bytes[s...].firstIndex(of: 10).map { $0 + 1 } ?? bytes.count
        bytes.insert(contentsOf: bytes[s..<e], at: s)
      default:
        bytes.insert(contentsOf: Array(String(Int.random(in: 0...99_999, using: &rng)).utf8), at: at)
      }
    }
    return bytes
  }

  @Test func tenThousandMutationsNeverCrashAndDoNotDependOnReadBoundaries() {
    var rng = SplitMix64(seed: 0x5EED_1234)
    var counts = (needMore: 0, complete: 0, failed: 0)
    var violations = Set<ProtocolViolation>()
    var mismatches = 0
    for iteration in 0..<10_000 {
      let seed = Self.seeds[iteration % Self.seeds.count]
      let input = Self.mutate(seed, &rng)
      let expectBody = iteration % 7 != 0
      let whole = parse(input, expectBody: expectBody)
      let pieces = Int.random(in: 1...6, using: &rng)
      let cuts = (0..<pieces).map { _ in Int.random(in: 0...input.count, using: &rng) }.sorted()
      let split = parse(input, cuts: cuts, expectBody: expectBody)
      switch whole {
      case .needMore: counts.needMore += 1
      case .complete(let at, let status, _, _):
        counts.complete += 1
        #expect(at <= input.count && (100...599).contains(status) && !(100...199).contains(status))
      case .failed(let v):
        counts.failed += 1
        violations.insert(v)
      case .contractBroken(let why):
        Issue.record("contract broken: \(why) for \(input)")
      }
      if split != whole {
        mismatches += 1
        if mismatches <= 5 {
          Issue.record(
            "\(String(decoding: input, as: UTF8.self).debugDescription) cut at \(cuts): \(split) vs \(whole)")
        }
      }
    }
    #expect(mismatches == 0)
    // The mutations reach all three ends and a range of violations, or the fuzz proves little.
    #expect(counts.complete > 1_000)
    #expect(counts.failed > 1_000)
    #expect(counts.needMore > 500)
    #expect(violations.count >= 6, "\(violations)")
  }
}
