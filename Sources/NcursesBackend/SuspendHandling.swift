@preconcurrency import CNcurses
import CSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Ctrl-Z and `fg` (FAULTS TUI-02). The signal handlers live in CSupport; this side prepares
/// what they need while ncurses can still be asked: the terminal modes and the escape sequences
/// that leave and re-enter the screen.
enum SuspendHandling {
  /// Before newterm: ncurses installs its own SIGTSTP handler only when the disposition is the
  /// default, so ours being there first keeps it out (its handler repaints from whichever thread
  /// the signal lands on). Returns false when job control is off (SIGTSTP ignored) or the output
  /// is not a terminal.
  static func install(terminalFD: Int32, shellModes: termios) -> Bool {
    var shell = shellModes
    return cs_suspend_install(terminalFD, &shell) == 0
  }

  /// After setup, once ncurses has put the terminal into the modes the screen runs in.
  static func recordProgramModes(terminalFD: Int32) {
    var modes = termios()
    if tcgetattr(terminalFD, &modes) == 0 { cs_suspend_set_program_modes(&modes) }
  }

  /// Sequences for the current terminal; again after a resize when the terminal has no alternate
  /// screen, because leaving then means moving to the (new) last line.
  static func updateSequences(rows: Int) {
    let leave = [
      capability("sgr0"), capability("cnorm"), capability("rmkx"),
      capability("rmcup") ?? lastLine(rows: rows),
    ]
    let enter = [capability("smcup"), capability("smkx"), capability("civis")]
    cs_suspend_set_sequences(leave.compactMap { $0 }.joined(), enter.compactMap { $0 }.joined())
  }

  static func remove() { cs_suspend_remove() }

  /// True once after each resume: the screen must be drawn again from nothing.
  static func takeRepaintRequest() -> Bool { cs_suspend_take_repaint() != 0 }

  private static func capability(_ name: String) -> String? {
    guard let value = cn_tigetstr(name) else { return nil }
    return String(cString: value)
  }

  private static func lastLine(rows: Int) -> String? {
    guard let cup = cn_tigetstr("cup"), let moved = cn_tparm2(cup, Int32(max(0, rows - 1)), 0) else {
      return nil
    }
    return String(cString: moved)
  }
}
