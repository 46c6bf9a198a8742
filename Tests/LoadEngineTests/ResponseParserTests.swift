import Foundation
import LoadEngine
import Metrics
import Testing

// MARK: - valid responses

@Suite(.timeLimit(.minutes(5))) struct ResponseParserValidTests {
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

@Suite(.timeLimit(.minutes(5))) struct ResponseParserMalformedTests {
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
