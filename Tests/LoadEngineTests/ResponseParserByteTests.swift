import Foundation
import LoadEngine
import Metrics
import Testing

// MARK: - the word-at-a-time checks against byte-by-byte expectations

@Suite(.timeLimit(.minutes(5))) struct ResponseParserByteTests {
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
}
