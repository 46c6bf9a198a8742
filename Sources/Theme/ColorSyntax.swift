import TerminalUI

/// The spellings a theme file may use for colours and modifiers, in one place so the parser and
/// its error messages cannot disagree.
enum ColorSyntax {
  /// ANSI names in palette order, so a name's index is its palette index.
  static let ansiNames = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright_black", "bright_red", "bright_green", "bright_yellow",
    "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
  ]

  static let expectedColor =
    ##"expected "#RRGGBB", 0-255, an ANSI name (red, bright_blue, ...) or "default""##

  static let modifierNames: [(String, Modifiers)] = [
    ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
  ]

  static let expectedModifier = "expected bold, dim, italic, underline or reverse"

  /// A colour from its string form; `nil` when it is none of the accepted spellings.
  static func color(_ text: String) -> Color? {
    let lowered = text.lowercased()
    if lowered == "default" { return .terminalDefault }
    if let index = ansiNames.firstIndex(of: lowered) { return .indexed(UInt8(index)) }
    guard lowered.hasPrefix("#"), lowered.count == 7 else { return nil }
    let digits = lowered.dropFirst()
    guard digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
    return .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
  }

  /// A palette index; `nil` outside 0-255.
  static func color(index: Int) -> Color? {
    (0...255).contains(index) ? .indexed(UInt8(index)) : nil
  }

  static func modifier(_ name: String) -> Modifiers? {
    modifierNames.first { $0.0 == name.lowercased() }?.1
  }
}
