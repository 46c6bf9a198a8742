/// How many terminal columns text takes, as wcwidth(3) would say in a UTF-8 locale, but pure so
/// the in-memory grid and the real screen agree whatever the process locale is.
public enum DisplayWidth {
  /// 0 for combining marks and other zero-width scalars, 2 for East Asian wide and emoji, else 1.
  public static func of(_ character: Character) -> Int {
    var width = 0
    for scalar in character.unicodeScalars {
      let w = of(scalar)
      // A grapheme takes the width of its widest scalar: a base letter plus combining accents is
      // one column; an emoji with a variation selector stays two.
      width = max(width, w)
    }
    return width
  }

  public static func of(_ text: some StringProtocol) -> Int {
    var width = 0
    for character in text { width += of(character) }
    return width
  }

  public static func of(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x7F { return v >= 0x20 ? 1 : 0 }
    if v < 0xA0 { return 0 }
    // What charts and borders draw most, answered without a Unicode property lookup: Latin-1,
    // box drawing, block elements and braille are all one column.
    if v < 0x300 || (0x2500...0x259F).contains(v) || (0x2800...0x28FF).contains(v) { return 1 }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if v == 0x200B || (0x1160...0x11FF).contains(v) { return 0 }
    if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
    return 1
  }

  /// The East Asian Wide and Fullwidth blocks (Unicode 15, EastAsianWidth.txt, folded to ranges).
  private static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
      0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
      0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
      0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
      0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E,
      0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF,
      0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248,
      0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F64F, 0x1F680...0x1F6FF,
      0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// The longest prefix of `text` that fits in `columns`, and its width.
  public static func prefix(_ text: String, fitting columns: Int) -> (text: Substring, width: Int) {
    var width = 0
    var end = text.startIndex
    for index in text.indices {
      let w = of(text[index])
      if width + w > columns { break }
      width += w
      end = text.index(after: index)
    }
    return (text[..<end], width)
  }

  /// `text` cut to `columns`, ending in "…" when something was cut.
  public static func truncate(_ text: String, to columns: Int) -> String {
    truncate(text, to: columns, symbols: .unicode)
  }

  /// `text` cut to `columns`, ending in "…", or "~" with ASCII symbols, when something was cut.
  public static func truncate(_ text: String, to columns: Int, symbols: SymbolSet) -> String {
    guard columns > 0 else { return "" }
    if of(text) <= columns { return text }
    return String(prefix(text, fitting: columns - 1).text) + (symbols == .unicode ? "…" : "~")
  }
}
