/// How many colours the terminal can show. Themes are written in full colour and downgraded to
/// this at run time, because ncurses does not degrade colours itself (`init_pair` with a colour
/// above `COLORS` just fails).
public enum ColorDepth: String, Sendable, CaseIterable {
  /// 24-bit colour: a direct-colour terminfo entry (`xterm-direct`, `tmux-direct`).
  case trueColor = "truecolor"
  /// The xterm 256-colour palette: 16 ANSI colours, the 6x6x6 cube and the grey ramp.
  case palette256 = "256"
  /// The 16 ANSI colours (normal and bright).
  case ansi16 = "16"
  /// The first 8 ANSI colours only (`TERM=xterm`, `linux`).
  case ansi8 = "8"
  /// No colour at all: each role's `mono` modifiers carry its meaning instead.
  case monochrome = "mono"

  /// The depth for a terminal that reports `colorCount` colours (terminfo `colors`; 0 or -1 when
  /// it has none) in an environment whose `NO_COLOR` is `noColor`.
  ///
  /// Per https://no-color.org, only a set and non-empty `NO_COLOR` disables colour: an empty one
  /// is treated as unset.
  public static func detect(colorCount: Int, noColor: String?) -> ColorDepth {
    if let noColor, !noColor.isEmpty { return .monochrome }
    switch colorCount {
    case ..<8: return .monochrome
    case 8..<16: return .ansi8
    case 16..<256: return .ansi16  // 88-colour terminals too: their palette above 16 differs
    case 256..<(1 << 24): return .palette256
    default: return .trueColor
    }
  }
}
