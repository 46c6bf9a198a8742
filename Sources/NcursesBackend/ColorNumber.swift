import TerminalUI

/// Maps a `Color` to the colour number ncurses takes for a terminal with `colorCount` colours.
/// The caller downgrades its theme to the terminal's depth first; the mappings for colours that
/// still do not fit are a safety net, so a stray value never makes `init_extended_pair` fail.
enum ColorNumber {
  /// ncurses' "terminal default", valid after `use_default_colors()`.
  static let terminalDefault: Int32 = -1

  /// Direct-colour terminfo entries (`xterm-direct`) report 2^24 colours.
  static func isDirect(colorCount: Int) -> Bool { colorCount >= 1 << 24 }

  static func number(for color: Color?, colorCount: Int) -> Int32 {
    guard let color, colorCount > 0 else { return terminalDefault }
    switch color {
    case .terminalDefault:
      return terminalDefault
    case .indexed(let index):
      if isDirect(colorCount: colorCount) {
        // In direct mode only 0-7 are palette slots; any larger number is read as 0xRRGGBB.
        return index < 8 ? Int32(index) : packed(XtermRGB.of(index))
      }
      if Int(index) < colorCount { return Int32(index) }
      return Int32(XtermRGB.nearestANSI(XtermRGB.of(index), count: colorCount))
    case .rgb(let r, let g, let b):
      if isDirect(colorCount: colorCount) { return packed((r, g, b)) }
      if colorCount >= 256 { return Int32(XtermRGB.nearest256((r, g, b))) }
      return Int32(XtermRGB.nearestANSI((r, g, b), count: colorCount))
    }
  }

  /// 0xRRGGBB, except that values below 8 would name palette slots: those near-blacks become 8.
  private static func packed(_ c: XtermRGB.RGB) -> Int32 {
    max(8, Int32(c.r) << 16 | Int32(c.g) << 8 | Int32(c.b))
  }
}

/// xterm's palette as RGB, enough to pick a nearby palette entry.
enum XtermRGB {
  typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

  private static let ansi: [RGB] = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
    (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
    (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
  ]
  private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

  static func of(_ index: UInt8) -> RGB {
    switch index {
    case 0..<16:
      return ansi[Int(index)]
    case 16..<232:
      let i = Int(index) - 16
      return (UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
    default:
      let grey = UInt8(8 + 10 * (Int(index) - 232))
      return (grey, grey, grey)
    }
  }

  /// The nearer of the 6x6x6 cube entry and the grey-ramp entry (16-255 only: 0-15 are often
  /// recoloured by the user).
  static func nearest256(_ c: RGB) -> UInt8 {
    let cube = 16 + 36 * nearestLevel(c.r) + 6 * nearestLevel(c.g) + nearestLevel(c.b)
    let average = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
    let grey = 232 + min(23, max(0, (average - 8 + 5) / 10))
    return UInt8(distance(of(UInt8(grey)), c) < distance(of(UInt8(cube)), c) ? grey : cube)
  }

  /// The nearest of the first `count` ANSI colours (8 or 16).
  static func nearestANSI(_ c: RGB, count: Int) -> UInt8 {
    var best = 0
    for i in 1..<max(1, min(count, 16)) where distance(ansi[i], c) < distance(ansi[best], c) { best = i }
    return UInt8(best)
  }

  private static func nearestLevel(_ v: UInt8) -> Int {
    var best = 0
    for i in 1..<cubeLevels.count where abs(cubeLevels[i] - Int(v)) < abs(cubeLevels[best] - Int(v)) {
      best = i
    }
    return best
  }

  private static func distance(_ a: RGB, _ b: RGB) -> Int {
    let dr = Int(a.r) - Int(b.r)
    let dg = Int(a.g) - Int(b.g)
    let db = Int(a.b) - Int(b.b)
    return dr * dr + dg * dg + db * db
  }
}
