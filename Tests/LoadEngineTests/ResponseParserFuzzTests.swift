import Foundation
import LoadEngine
import Metrics
import SeededRandom
import Testing

// MARK: - fuzz

@Suite(.timeLimit(.minutes(5))) struct ResponseParserFuzzTests {
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
