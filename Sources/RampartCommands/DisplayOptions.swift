import ArgumentParser
import TerminalUI

/// The flags of `rampart run` that shape the dashboard.
struct DisplayOptions: ParsableArguments {
  @Option(help: "Colour theme: a name from the themes folder (default, light, nord, ...) or a .toml file.")
  var theme: String?

  /// The theme asked for, `default` when none was.
  var themeName: String { theme ?? "default" }

  @Flag(
    help: "ASCII only: borders, charts and glyphs without Unicode (automatic when the locale is not UTF-8).")
  var ascii = false

  @Option(help: "Chart dots: braille (2x4 per cell), blocks (2x2, for fonts without braille) or ascii.")
  var chart: ChartDots?

  @Flag(
    name: .customLong("exit-on-end"), help: "Leave the dashboard when the run ends instead of waiting for q.")
  var exitOnEnd = false
}

extension ChartDots: ExpressibleByArgument {}

/// Dashboard or plain lines, decided from the flags and the process's terminal before anything
/// is drawn. A terminal ncurses then cannot open still falls back to plain lines.
enum ScreenMode: Equatable {
  case dashboard
  case headless(reason: String?)

  static func choose(noTUI: Bool, stdinIsTTY: Bool, stdoutIsTTY: Bool, term: String?) -> ScreenMode {
    if noTUI { return .headless(reason: nil) }
    if !stdoutIsTTY { return .headless(reason: "stdout is not a terminal") }
    if !stdinIsTTY { return .headless(reason: "stdin is not a terminal") }
    guard let term, !term.isEmpty else { return .headless(reason: "TERM is not set") }
    if term == "dumb" { return .headless(reason: "TERM=dumb cannot draw a dashboard") }
    return .dashboard
  }

  /// Unicode only when the locale says UTF-8; a C or Latin-1 locale would show braille as junk.
  static func symbols(ascii: Bool, environment: [String: String]) -> SymbolSet {
    if ascii { return .ascii }
    let locale =
      environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
    let lowered = locale.lowercased()
    return lowered.contains("utf-8") || lowered.contains("utf8") ? .unicode : .ascii
  }
}
