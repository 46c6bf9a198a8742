import Foundation
import SeededRandom
import Testing

@testable import LogValues

/// The same rules written the slow, obvious way on top of Swift's own UTF-8 decoder, which
/// replaces maximal invalid subparts with U+FFFD as the sanitizer should.
func referenceDisplayText(_ bytes: [UInt8], tabWidth: Int = 8) -> String {
  var text = ""
  var columns = 0
  for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
    let value = scalar.value
    let shown: String
    switch value {
    case 0x09: shown = String(repeating: " ", count: tabWidth - columns % tabWidth)
    case 0x00..<0x20: shown = "^" + String(UnicodeScalar(UInt8(value) | 0x40))
    case 0x7F: shown = "^?"
    case 0x80...0x9F: shown = String(format: "<%02X>", value)
    case _ where LineSanitizer.isInertFormatScalar(value): shown = String(format: "<U+%04X>", value)
    default: shown = String(scalar)
    }
    text += shown
    columns += shown.unicodeScalars.count
  }
  return text
}

@Suite(.timeLimit(.minutes(5))) struct SanitizerTests {
  private func display(_ bytes: [UInt8], droppedBytes: Int = 0, maxColumns: Int = LineLimits.displayColumns)
    -> String
  {
    LineSanitizer.displayText(RawLine(bytes, droppedBytes: droppedBytes), maxColumns: maxColumns)
  }

  @Test func printableTextIsUnchanged() {
    let line = #"2026-11-27 09:00:00,123 INFO     uvicorn.access: 127.0.0.1:5555 - "GET / HTTP/1.1" 200 OK"#
    #expect(LineSanitizer.displayText(RawLine(line)) == line)
    #expect(LineSanitizer.displayText(RawLine("héllo wörld — ✓ 日本")) == "héllo wörld — ✓ 日本")
    #expect(LineSanitizer.displayText(RawLine("")) == "")
  }

  @Test func controlsUseCaretNotation() {
    #expect(display([0x1B] + Array("[2J".utf8)) == "^[[2J")
    #expect(display([0x00, 0x07, 0x08, 0x0D, 0x7F, 0x1F]) == "^@^G^H^M^?^_")
  }

  @Test func c1ControlsAreShownAsHex() {
    // The valid UTF-8 form of 8-bit CSI is a scalar that terminals obey, so it becomes a code.
    #expect(display([0xC2, 0x9B] + Array("2J".utf8)) == "<9B>2J")
    #expect(display([0xC2, 0x80, 0xC2, 0x9F]) == "<80><9F>")
    // The raw byte alone is invalid UTF-8.
    #expect(display([0x9B] + Array("2J".utf8)) == "\u{FFFD}2J")
    #expect(display([0xC2, 0xA0]) == "\u{A0}")
  }

  @Test func bidiControlsAreInert() {
    #expect(LineSanitizer.displayText(RawLine("a\u{202E}cba\u{202C}")) == "a<U+202E>cba<U+202C>")
    #expect(LineSanitizer.displayText(RawLine("\u{FEFF}x\u{2066}y\u{2069}")) == "<U+FEFF>x<U+2066>y<U+2069>")
    #expect(LineSanitizer.displayText(RawLine("\u{200F}\u{2028}")) == "<U+200F><U+2028>")
  }

  @Test func invalidSequencesBecomeOneReplacementPerMaximalSubpart() {
    #expect(display([0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
    #expect(display([0xE2, 0x82]) == "\u{FFFD}")  // truncated € is one maximal subpart
    #expect(display([0xE2, 0x82, 0x41]) == "\u{FFFD}A")
    #expect(display([0xF0, 0x80, 0x80]) == "\u{FFFD}\u{FFFD}\u{FFFD}")  // overlong: no subpart
    #expect(display([0xED, 0xA0, 0x80]) == "\u{FFFD}\u{FFFD}\u{FFFD}")  // surrogate
    #expect(display([0xF4, 0x90, 0x80, 0x80]) == String(repeating: "\u{FFFD}", count: 4))  // > U+10FFFF
    #expect(display([0xC0, 0xAF]) == "\u{FFFD}\u{FFFD}")
    #expect(display([0xF0, 0x9F, 0x98, 0x80]) == "😀")
  }

  @Test func matchesTheReferenceOnRandomBytes() {
    var random = SplitMix64(seed: 42)
    for _ in 0..<2000 {
      var bytes = random.bytes(random.below(64))
      // Sprinkle valid multi-byte text, C1 and bidi controls among the noise.
      for piece in ["é", "€", "😀", "\u{9B}", "\u{202E}", "\t"] where random.below(3) == 0 {
        bytes.insert(contentsOf: Array(piece.utf8), at: random.below(bytes.count + 1))
      }
      let expected = referenceDisplayText(bytes)
      let got = LineSanitizer.displayText(RawLine(bytes), maxColumns: 1_000_000)
      #expect(got == expected, "bytes \(bytes)")
    }
  }

  /// LOG-05: `head -c 1M /dev/urandom >> app.log`, then normal lines.
  @Test func megabyteOfRandomBytesThenNormalLines() {
    var random = SplitMix64(seed: 5)
    var garbage = random.bytes(1 << 20)
    for index in stride(from: 0, to: garbage.count, by: 997) { garbage[index] = 0 }  // NULs for sure
    let normal = (1...20).map { "2026-11-27 09:00:00,123 INFO     app: normal line \($0)" }
    let file = garbage + Array(("\n" + normal.joined(separator: "\n") + "\n").utf8)

    // Split as a follower does: on "\n", keeping at most LineLimits.keptBytes of each line.
    var shown: [String] = []
    for piece in file.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
      let kept = Array(piece.prefix(LineLimits.keptBytes))
      shown.append(LineSanitizer.displayText(RawLine(kept, droppedBytes: piece.count - kept.count)))
    }
    #expect(shown.allSatisfy(LineSanitizer.isTerminalInert))
    #expect(shown.allSatisfy { $0.unicodeScalars.count <= LineLimits.displayColumns })
    #expect(Array(shown.suffix(normal.count)) == normal)

    // The whole megabyte as one line costs no more than the columns it can show.
    let whole = LineSanitizer.displayText(RawLine(garbage))
    #expect(LineSanitizer.isTerminalInert(whole))
    #expect(whole.unicodeScalars.count <= LineLimits.displayColumns)
    #expect(whole.hasSuffix("…[cut]"))
  }

  /// LOG-06: escape sequences meant for the terminal are shown, never obeyed.
  @Test func escapeInjectionsAreShownInert() {
    let escape: [UInt8] = [0x1B]
    let bell: [UInt8] = [0x07]
    let injections: [(bytes: [UInt8], shown: String)] = [
      (escape + Array("[2J".utf8), "^[[2J"),
      (escape + Array("[H".utf8), "^[[H"),
      (escape + Array("[1;1H".utf8), "^[[1;1H"),
      (escape + Array("]0;pwned".utf8) + bell, "^[]0;pwned^G"),
      (escape + Array("]52;c;cm0gLXJmIH4=".utf8) + bell, "^[]52;c;cm0gLXJmIH4=^G"),
      (escape + Array("]52;c;cm0gLXJmIH4=".utf8) + escape + Array("\\".utf8), "^[]52;c;cm0gLXJmIH4=^[\\"),
      (escape + Array("[?1049l".utf8), "^[[?1049l"),
      (escape + Array("c".utf8), "^[c"),
      ([0x9B] + Array("2J".utf8), "\u{FFFD}2J"),  // raw 8-bit CSI: invalid UTF-8
      ([0xC2, 0x9B] + Array("2J".utf8), "<9B>2J"),  // 8-bit CSI as UTF-8
      ([0xC2, 0x9D] + Array("0;title".utf8) + [0xC2, 0x9C], "<9D>0;title<9C>"),  // 8-bit OSC ... ST
      (escape + Array("P1$r0m".utf8) + escape + Array("\\".utf8), "^[P1$r0m^[\\"),  // DCS
      (escape + Array("_payload".utf8) + escape + Array("\\".utf8), "^[_payload^[\\"),  // APC
      ([0xC2, 0x90] + Array("q".utf8) + [0xC2, 0x9C], "<90>q<9C>"),  // 8-bit DCS
      (Array(repeating: 0x07, count: 500), String(repeating: "^G", count: 500)),  // BEL flood
      (
        Array("password".utf8) + Array(repeating: 0x08, count: 8) + Array("********".utf8),
        "password" + String(repeating: "^H", count: 8) + "********"
      ),  // backspace overstrike
      (Array("ok".utf8) + [0x0D] + Array("FAIL".utf8), "ok^MFAIL"),  // carriage return overwrite
    ]
    for (bytes, shown) in injections {
      let text = display(bytes)
      #expect(text == shown)
      #expect(LineSanitizer.isTerminalInert(text), "\(bytes)")
      #expect(!text.utf8.contains(0x1B))
    }
  }

  @Test func tabsMoveToTheNextStop() {
    #expect(LineSanitizer.displayText(RawLine("a\tb")) == "a       b")
    #expect(LineSanitizer.displayText(RawLine("12345678\tx")) == "12345678        x")
    #expect(LineSanitizer.displayText(RawLine("ab\tc"), tabWidth: 4) == "ab  c")
    #expect(LineSanitizer.displayText(RawLine("\t")) == "        ")
    // Columns count escapes as shown: `^[` takes two.
    #expect(display([0x1B, 0x09, 0x78]) == "^[      x")
  }

  @Test func longLinesAreCutWithAMarker() {
    let limit = LineLimits.displayColumns
    #expect(LineSanitizer.displayText(RawLine(String(repeating: "a", count: limit))).count == limit)
    let cut = LineSanitizer.displayText(RawLine(String(repeating: "a", count: limit + 1)))
    #expect(cut.count == limit)
    #expect(cut == String(repeating: "a", count: limit - 6) + "…[cut]")

    // An escape that would straddle the cut is dropped whole, never shown in part.
    let escapes = LineSanitizer.displayText(RawLine(String(repeating: "\u{202E}", count: 10)), maxColumns: 30)
    #expect(escapes == "<U+202E><U+202E><U+202E>…[cut]")
    #expect(LineSanitizer.displayText(RawLine("0123456789"), maxColumns: 10) == "0123456789")
    #expect(LineSanitizer.displayText(RawLine("0123456789x"), maxColumns: 10) == "0123…[cut]")
  }

  @Test func droppedBytesAreCounted() {
    let line = RawLine(Array("GET /".utf8), droppedBytes: 1_234_567)
    #expect(LineSanitizer.displayText(line) == "GET / …[+1,234,567 bytes]")
    #expect(LineSanitizer.displayText(RawLine(Array("x".utf8), droppedBytes: 12)) == "x …[+12 bytes]")

    // Both markers fit within the columns.
    let long = RawLine(Array(repeating: UInt8(ascii: "a"), count: LineLimits.keptBytes), droppedBytes: 5000)
    let text = LineSanitizer.displayText(long)
    #expect(text.count == LineLimits.displayColumns)
    #expect(text.hasSuffix("a…[cut] …[+5,000 bytes]"))
  }
}
