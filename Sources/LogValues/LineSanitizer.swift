import Vocabulary

/// Turns the raw bytes of a log line into text that is safe to hand to the terminal: whatever a
/// source writes (binary garbage, escape sequences meant to clear the screen, set the title or
/// the clipboard, bidi overrides that reorder what is shown) is drawn as visible, inert text.
public enum LineSanitizer {
  /// Ends a line that was longer than the panel allows.
  static let cutMarker = "…[cut]"
  static let cutMarkerColumns = 6

  /// The line as it may be drawn:
  /// - valid UTF-8 is kept; each maximal invalid subsequence becomes U+FFFD (the "maximal
  ///   subpart" rule, as Swift's own decoder and the WHATWG encoding standard apply it);
  /// - C0 controls and DEL are shown in caret notation (`^[`, `^@`, `^?`), as `less` shows them;
  /// - C1 controls U+0080...U+009F are shown as `<9B>`;
  /// - bidi embedding, override and isolate controls, the bidi marks, the line and paragraph
  ///   separators and U+FEFF are shown as `<U+202E>`;
  /// - TAB moves to the next multiple of `tabWidth` columns;
  /// - text wider than `maxColumns` is cut and ends in `…[cut]`, and a line the source already
  ///   cut (`droppedBytes > 0`) ends in ` …[+N bytes]`; both markers fit within `maxColumns`.
  /// Columns are counted one per Unicode scalar.
  public static func displayText(
    _ line: RawLine, tabWidth: Int = 8, maxColumns: Int = LineLimits.displayColumns
  ) -> String {
    line.bytes.withUnsafeBufferPointer { bytes in
      // Nearly every line of a server log is printable ASCII: one pass to confirm, one copy.
      if line.droppedBytes == 0, bytes.count <= maxColumns, isPrintableASCII(bytes) {
        return String(decoding: bytes, as: UTF8.self)
      }
      let suffix = line.droppedBytes > 0 ? " …[+\(CountText.grouped(line.droppedBytes)) bytes]" : ""
      var writer = DisplayWriter(
        maxColumns: max(0, maxColumns - suffix.unicodeScalars.count), tabWidth: max(1, tabWidth),
        capacity: min(bytes.count, maxColumns) + 32)
      writer.write(bytes)
      writer.output.append(contentsOf: suffix.utf8)
      return String(decoding: writer.output, as: UTF8.self)
    }
  }

  static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    // Branch-free over the whole line so the compiler can vectorise it: a byte is printable ASCII
    // when byte - 0x20 (wrapping) is below 0x5F, i.e. 0x20...0x7E.
    var outside: UInt8 = 0
    for byte in bytes {
      outside |= (byte &- 0x20) >= 0x5F ? 1 : 0
    }
    return outside == 0
  }

  /// Whether `text` can go to a terminal as it is: no C0 control (TAB included: it is
  /// expanded), no DEL, no C1 control, no scalar that reorders or hides text. Everything
  /// `displayText` returns passes; the tests of every module that shows log text check it.
  public static func isTerminalInert(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      let value = scalar.value
      return value >= 0x20 && value != 0x7F && !(0x80...0x9F).contains(value) && !isInertFormatScalar(value)
    }
  }

  /// Whether a valid scalar outside the C0/C1 ranges must still be shown as a code: it would
  /// reorder or hide the text around it (CVE-2021-42574 "Trojan Source"), or break the line.
  @inline(__always)
  static func isInertFormatScalar(_ scalar: UInt32) -> Bool {
    switch scalar {
    case 0x061C,  // ARABIC LETTER MARK
      0x200E, 0x200F,  // LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
      0x2028, 0x2029,  // LINE / PARAGRAPH SEPARATOR
      0x202A...0x202E,  // bidi embeddings and overrides
      0x2066...0x2069,  // bidi isolates
      0xFEFF:  // ZERO WIDTH NO-BREAK SPACE (BOM)
      true
    default: false
    }
  }
}

/// Builds the sanitised UTF-8, keeping track of the columns used so it can stop at the cut.
private struct DisplayWriter {
  var output: [UInt8] = []
  private var columns = 0
  private let maxColumns: Int
  private let tabWidth: Int
  /// The output ends here when the line must be cut, leaving room for the cut marker.
  private let columnsBeforeMarker: Int
  private var bytesBeforeMarker = 0

  init(maxColumns: Int, tabWidth: Int, capacity: Int) {
    self.maxColumns = maxColumns
    self.tabWidth = tabWidth
    columnsBeforeMarker = maxColumns - LineSanitizer.cutMarkerColumns
    output.reserveCapacity(capacity)
  }

  private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
  private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

  mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
    var index = 0
    let end = bytes.count
    while index < end {
      let byte = bytes[index]
      if byte &- 0x20 < 0x5F {
        // A run of printable ASCII that fits before the cut goes in with one copy.
        var runEnd = index + 1
        while runEnd < end, bytes[runEnd] &- 0x20 < 0x5F { runEnd += 1 }
        // Only the part before the cut marker goes in at once; the few columns after it go one
        // by one below, so a run is scanned a handful of times at most, not once per byte.
        let fitting = min(runEnd - index, columnsBeforeMarker - columns)
        if fitting > 0 {
          output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + fitting]))
          columns += fitting
          bytesBeforeMarker = output.count
          index += fitting
          continue
        }
      }
      if byte < 0x80 {
        index += 1
        if byte >= 0x20, byte != 0x7F {
          output.append(byte)
          guard advance(1) else { return }
        } else if byte == 0x09 {
          let spaces = tabWidth - columns % tabWidth
          for _ in 0..<spaces { output.append(0x20) }
          guard advance(spaces) else { return }
        } else {
          // Caret notation: ESC (0x1B) → ^[, NUL → ^@, BEL → ^G, DEL → ^?.
          output.append(UInt8(ascii: "^"))
          output.append(byte == 0x7F ? UInt8(ascii: "?") : byte | 0x40)
          guard advance(2) else { return }
        }
        continue
      }
      let (length, scalar) = Self.decode(bytes, at: index)
      if let scalar {
        if scalar <= 0x9F {
          // A C1 control (8-bit CSI, DCS, OSC, ...), valid UTF-8 that terminals still obey.
          output.append(UInt8(ascii: "<"))
          appendHex(scalar, digits: 2)
          output.append(UInt8(ascii: ">"))
          guard advance(4) else { return }
        } else if LineSanitizer.isInertFormatScalar(scalar) {
          output.append(contentsOf: "<U+".utf8)
          appendHex(scalar, digits: 4)
          output.append(UInt8(ascii: ">"))
          guard advance(8) else { return }
        } else {
          for offset in 0..<length { output.append(bytes[index + offset]) }
          guard advance(1) else { return }
        }
      } else {
        output.append(contentsOf: Self.replacement)
        guard advance(1) else { return }
      }
      index += length
    }
  }

  /// Counts the columns of what was just written; false once the line was cut (stop writing).
  @inline(__always)
  private mutating func advance(_ width: Int) -> Bool {
    columns += width
    if columns <= columnsBeforeMarker {
      bytesBeforeMarker = output.count
      return true
    }
    if columns <= maxColumns { return true }
    output.removeSubrange(bytesBeforeMarker...)
    output.append(contentsOf: LineSanitizer.cutMarker.utf8)
    return false
  }

  private mutating func appendHex(_ value: UInt32, digits: Int) {
    for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
      output.append(Self.hexDigits[Int((value >> UInt32(shift)) & 0xF)])
    }
  }

  /// Decodes the sequence that starts with a byte >= 0x80. Returns the bytes it takes and its
  /// scalar, or nil for an invalid sequence, whose length is then its maximal subpart: the lead
  /// byte and the continuation bytes that were still acceptable (Unicode 15, section 3.9).
  @inline(__always)
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (length: Int, scalar: UInt32?) {
    let lead = bytes[start]
    let needed: Int
    var lowest: UInt8 = 0x80
    var highest: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: needed = 1
    case 0xE0:
      needed = 2
      lowest = 0xA0  // shorter forms are overlong
    case 0xE1...0xEC, 0xEE...0xEF: needed = 2
    case 0xED:
      needed = 2
      highest = 0x9F  // above are UTF-16 surrogates
    case 0xF0:
      needed = 3
      lowest = 0x90  // shorter forms are overlong
    case 0xF1...0xF3: needed = 3
    case 0xF4:
      needed = 3
      highest = 0x8F  // above is beyond U+10FFFF
    default: return (1, nil)  // a stray continuation byte, C0/C1 (overlong) or F5...FF
    }
    var scalar = UInt32(lead) & (0x7F >> UInt32(needed + 1))
    for offset in 1...needed {
      let position = start + offset
      guard position < bytes.count else { return (offset, nil) }
      let byte = bytes[position]
      let acceptable = offset == 1 ? (lowest...highest).contains(byte) : (0x80...0xBF).contains(byte)
      guard acceptable else { return (offset, nil) }
      scalar = scalar << 6 | UInt32(byte & 0x3F)
    }
    return (needed + 1, scalar)
  }
}
