import Foundation
import NcursesBackend
import TerminalUI
import Testing

extension NcursesSerial {
  @Suite(.timeLimit(.minutes(5))) struct InputTests {
    /// Sequences as xterm-256color's terminfo says the keys arrive in keypad mode (kcuu1=\EOA):
    /// `ESC [ A` would be three separate characters.
    @Test func decodesWhatTheTerminalSends() throws {
      let pty = try Pty()
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      let sequence: [(String, Key)] = [
        ("q", .character("q")), ("é", .character("é")), ("\u{1b}OA", .up), ("\u{1b}OB", .down),
        ("\u{1b}OD", .left), ("\u{1b}OC", .right), ("\u{1b}OH", .home), ("\u{1b}OF", .end),
        ("\u{1b}[5~", .pageUp), ("\u{1b}[6~", .pageDown), ("\u{1b}[Z", .backTab), ("\u{7f}", .backspace),
        ("\u{1b}[3~", .delete), ("\u{1b}OP", .function(1)), ("\u{1b}[24~", .function(12)),
        ("\u{01}", .control("a")), ("\t", .tab), ("\r", .enter), ("\u{1b}OM", .enter),
      ]
      pty.type(sequence.map(\.0).joined())
      for (bytes, expected) in sequence {
        #expect(terminal.readKey(timeoutMilliseconds: 1000) == expected, "\(bytes.debugDescription)")
      }
      // A lone Esc comes out once ESCDELAY (25 ms) has passed without a sequence following.
      pty.type("\u{1b}")
      #expect(terminal.readKey(timeoutMilliseconds: 1000) == .escape)
    }

    @Test func timesOutWhenNothingIsTyped() throws {
      let pty = try Pty()
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      let clock = ContinuousClock()
      var key: Key?
      let short = clock.measure { key = terminal.readKey(timeoutMilliseconds: 0) }
      #expect(key == nil && short < .milliseconds(100))
      let long = clock.measure { key = terminal.readKey(timeoutMilliseconds: 120) }
      #expect(key == nil)
      #expect(long >= .milliseconds(110) && long < .milliseconds(1000))
      // Keys ncurses decodes but the UI has no name for are skipped, not returned as nil early.
      pty.type("\u{1b}[2~x")
      #expect(terminal.readKey(timeoutMilliseconds: 1000) == .character("x"))
    }

    /// FAULTS TUI-01: SIGWINCH becomes `.resize`, after which `size` is the new one, and the
    /// next frame is written whole.
    @Test func resizeThroughSIGWINCH() throws {
      let pty = try Pty(rows: 30, columns: 100)
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      #expect(terminal.size == (100, 30))
      terminal.present(Grid(width: 100, height: 30, fill: Cell("a")))
      _ = pty.drain()

      for (rows, columns) in [(20, 60), (1, 1), (3, 10), (100, 300)] as [(UInt16, UInt16)] {
        pty.resize(rows: rows, columns: columns)
        kill(getpid(), SIGWINCH)
        #expect(terminal.readKey(timeoutMilliseconds: 1000) == .resize)
        #expect(terminal.size == (Int(columns), Int(rows)))
        terminal.present(Grid(width: Int(columns), height: Int(rows), fill: Cell("b")))
        _ = pty.drain()
      }
      pty.resize(rows: 20, columns: 60)
      kill(getpid(), SIGWINCH)
      #expect(terminal.readKey(timeoutMilliseconds: 1000) == .resize)
      terminal.present(Grid(width: 60, height: 20, fill: Cell("c")))
      #expect(Screen.row(19, width: 60) == String(repeating: "c", count: 60))
    }
  }
}
