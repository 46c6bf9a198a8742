import TerminalUI

extension Color {
  /// This colour as a terminal of `depth` can show it; `nil` for `.monochrome`, where colours are
  /// dropped. Palette indices the terminal has go through unchanged; others go to the nearest
  /// colour it does have.
  public func downgraded(to depth: ColorDepth) -> Color? {
    switch (self, depth) {
    case (_, .monochrome): return nil
    case (.terminalDefault, _), (_, .trueColor): return self
    case (.rgb(let r, let g, let b), .palette256): return .indexed(XtermPalette.nearest256((r, g, b)))
    case (.indexed, .palette256): return self
    case (.rgb(let r, let g, let b), .ansi16): return .indexed(XtermPalette.nearestANSI((r, g, b), count: 16))
    case (.rgb(let r, let g, let b), .ansi8): return .indexed(XtermPalette.nearestANSI((r, g, b), count: 8))
    case (.indexed(let i), .ansi16):
      return i < 16 ? self : .indexed(XtermPalette.nearestANSI(XtermPalette.rgb(i), count: 16))
    case (.indexed(let i), .ansi8):
      // Bright colours go by RGB too; bright_black, a grey, becomes white (see nearestANSI).
      return i < 8 ? self : .indexed(XtermPalette.nearestANSI(XtermPalette.rgb(i), count: 8))
    }
  }
}
