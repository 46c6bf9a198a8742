/// Which characters widgets may use. Unicode needs a UTF-8 locale and a font with box drawing;
/// ASCII works on any terminal.
public enum SymbolSet: String, Sendable, CaseIterable {
  case unicode, ascii
}

/// How a chart turns dots into characters: braille packs 2x4 dots per cell, blocks 2x2 quadrants
/// (fonts without braille still have them), ASCII 1x2 with `'`, `.` and `:`.
public enum ChartDots: String, Sendable, CaseIterable {
  case braille, blocks, ascii

  /// Dots per cell, across and down.
  public var resolution: (x: Int, y: Int) {
    switch self {
    case .braille: (2, 4)
    case .blocks: (2, 2)
    case .ascii: (1, 2)
    }
  }

  /// Bit for the dot at (dx, dy) inside one cell.
  func bit(dx: Int, dy: Int) -> UInt8 {
    switch self {
    case .braille: ChartDots.brailleBits[dy][dx]
    case .blocks: UInt8(1 << (dy * 2 + dx))
    case .ascii: UInt8(1 << dy)
    }
  }

  /// The character for a cell's dot bits; a space when none is set.
  func glyph(_ bits: UInt8) -> Character {
    if bits == 0 { return " " }
    switch self {
    case .braille:
      return Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
    case .blocks:
      return ChartDots.quadrants[Int(bits & 0x0F)]
    case .ascii:
      return ChartDots.asciiDots[Int(bits & 0x03)]
    }
  }

  private static let brailleBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
  // Index bits: 1 top-left, 2 top-right, 4 bottom-left, 8 bottom-right.
  private static let quadrants: [Character] = [
    " ", "▘", "▝", "▀", "▖", "▌", "▞", "▛", "▗", "▚", "▐", "▜", "▄", "▙", "▟", "█",
  ]
  private static let asciiDots: [Character] = [" ", "'", ".", ":"]
}

/// Border and bar characters for one symbol set.
public struct BoxSymbols: Sendable {
  public let horizontal: Character
  public let vertical: Character
  public let topLeft: Character
  public let topRight: Character
  public let bottomLeft: Character
  public let bottomRight: Character
  public let axisTick: Character
  public let barFull: Character
  public let barEmpty: Character
  /// Partial bar heights from 1/8 to 8/8.
  public let eighths: [Character]

  public static func of(_ set: SymbolSet) -> BoxSymbols {
    switch set {
    case .unicode:
      BoxSymbols(
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        axisTick: "┤", barFull: "█", barEmpty: "░", eighths: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"])
    case .ascii:
      BoxSymbols(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        axisTick: "+", barFull: "#", barEmpty: ".", eighths: [".", ".", ":", ":", "=", "=", "#", "#"])
    }
  }
}
