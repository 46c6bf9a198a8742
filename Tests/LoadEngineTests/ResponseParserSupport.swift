import Foundation
import LoadEngine
import Metrics
import Testing

// MARK: - helpers

/// How feeding a whole input ended, independent of how it was split into reads.
enum ParseEnd: Equatable, CustomStringConvertible {
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
  mutating func feed(_ bytes: some Collection<UInt8>) -> Outcome {
    Array(bytes).withUnsafeBytes { consume($0) }
  }
}

/// Feeds `input` in pieces ending at each of `cuts` (sorted offsets), as reads would deliver it.
func parse(_ input: [UInt8], cuts: [Int] = [], expectBody: Bool = true) -> ParseEnd {
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

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Asserts that every way of cutting `input` in two, and feeding it one byte at a time, ends the same.
func expectSplitInvariant(
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

let okBody = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")

let chunkedWithExtensionsAndTrailers = bytes(
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: test\r\n\r\n"
    + "5;name=value\r\nhello\r\n"
    + "1A ; ext=\"quoted\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
    + "b\t;tab\r\n0123456789a\r\n"
    + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n")
