import CSupport
import Foundation
import NcursesBackend
import TerminalUI
import TestKit
import Testing

extension NcursesSerial {
  /// FAULTS TUI-02. Stopping would freeze the whole test process (other suites included), so the
  /// handler runs with the stop itself switched off: everything up to it, and the resume on
  /// SIGCONT, is the real code path. The real stop under a shell is checked in tmux (docs/testing.md).
  @Suite(.timeLimit(.minutes(30))) struct SuspendTests {
    @Test func ctrlZRestoresTheShellThenResumeRepaints() throws {
      let pty = try Pty()
      let shell = Modes(pty.modes())
      cs_suspend_set_stop_enabled(0)
      defer { cs_suspend_set_stop_enabled(1) }
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      let frame = Grid(width: 80, height: 24, fill: Cell("x"))
      terminal.present(frame)
      _ = terminal.readKey(timeoutMilliseconds: 0)
      _ = pty.drain()
      let program = Modes(pty.modes())
      #expect(program != shell)

      let stops = cs_suspend_recorded_stops()
      kill(getpid(), SIGTSTP)
      #expect(Poll.until(seconds: 2, every: 0.005) { cs_suspend_recorded_stops() > stops })
      var atStop = termios()
      #expect(cs_suspend_recorded_modes(&atStop) == 0)
      #expect(Modes(atStop) == shell)
      let left = pty.drain()
      #expect(left.contains("\u{1b}[?1049l"), "left the alternate screen")
      #expect(left.contains("\u{1b}[?25h"), "cursor visible")
      #expect(left.contains("\u{1b}[?1l"), "keypad transmit off")

      kill(getpid(), SIGCONT)
      let clock = ContinuousClock()
      var key: Key?
      let waited = clock.measure { key = terminal.readKey(timeoutMilliseconds: 1000) }
      #expect(key == .resize)
      // FAULTS asks for the repaint within 200 ms; readKey polls the flag every 50 ms (about 5 ms
      // measured under a pty). The slack is for a loaded machine running other suites.
      #expect(waited < .milliseconds(500))
      #expect(Modes(pty.modes()) == program)
      #expect(pty.drain().contains("\u{1b}[?1049h"), "back on the alternate screen")

      // The same frame again: after a resume it is sent whole, starting from a cleared screen.
      terminal.present(frame)
      let repaint = pty.drain()
      #expect(repaint.contains("\u{1b}[H\u{1b}[2J"))
      #expect(repaint.filter { $0 == "x" }.count >= 80 * 23)
    }

    /// The resume may be noticed by `present` first (the loop draws before it reads): it still
    /// repaints whole, and the next `readKey` still reports `.resize`.
    @Test func resumeNoticedByPresentStillReportsResize() throws {
      let pty = try Pty()
      cs_suspend_set_stop_enabled(0)
      defer { cs_suspend_set_stop_enabled(1) }
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      let frame = Grid(width: 80, height: 24, fill: Cell("y"))
      terminal.present(frame)
      _ = pty.drain()
      let stops = cs_suspend_recorded_stops()
      kill(getpid(), SIGTSTP)
      #expect(Poll.until(seconds: 2, every: 0.005) { cs_suspend_recorded_stops() > stops })
      kill(getpid(), SIGCONT)
      // The flag is set by the SIGCONT handler on some thread, right after it writes the screen's
      // enter sequence: waited for (a fixed 50 ms can pass before a busy machine runs it).
      var written = ""
      #expect(
        Poll.until(seconds: 10, every: 0.005) {
          written += pty.drain(quietMilliseconds: 1)
          return written.contains("\u{1b}[?1049h")
        }, "no enter sequence after SIGCONT: \(written.debugDescription)")
      terminal.present(frame)
      #expect(pty.drain().contains("\u{1b}[H\u{1b}[2J"))
      #expect(terminal.readKey(timeoutMilliseconds: 0) == .resize)
      #expect(terminal.readKey(timeoutMilliseconds: 0) == nil)
    }

    /// Ctrl-L: `invalidate` makes the next frame clear the screen and send every cell.
    @Test func invalidateRepaintsEverything() throws {
      let pty = try Pty()
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      defer { terminal.close() }
      let frame = Grid(width: 80, height: 24, fill: Cell("w"))
      terminal.present(frame)
      _ = pty.drain()
      terminal.present(frame)
      #expect(pty.drain().isEmpty)
      terminal.invalidate()
      terminal.present(frame)
      let repaint = pty.drain()
      #expect(repaint.contains("\u{1b}[H\u{1b}[2J"))
      #expect(repaint.filter { $0 == "w" }.count >= 80 * 23)
    }

    /// A second Ctrl-C exits from the signal thread: the terminal goes back without the UI
    /// thread's help, and captured stderr comes out.
    @Test func restoreForExitFromAnotherThread() throws {
      let pty = try Pty()
      let shell = Modes(pty.modes())
      let marker = "restore-for-exit-\(getpid())"
      let replayed = try withStandardErrorInFile(marker: marker) { _ in
        let terminal = try NcursesTerminal(
          terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8")
        terminal.present(Grid(width: 80, height: 24, fill: Cell("x")))
        _ = "\(marker)\n".withCString { write(2, $0, strlen($0)) }
        _ = pty.drain()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
          NcursesTerminal.restoreForExit()
          done.signal()
        }
        done.wait()
        let left = pty.drain()
        #expect(left.contains("\u{1b}[?1049l"))
        #expect(left.contains("\u{1b}[?25h"))
        #expect(Modes(pty.modes()) == shell)
        terminal.close()
      }
      #expect(replayed.contains(marker))
      #expect(Modes(pty.modes()) == shell)
    }

    @Test func closeGivesEverythingBack() throws {
      let pty = try Pty()
      let shell = Modes(pty.modes())
      let tstpBefore = Self.handler(SIGTSTP)
      let contBefore = Self.handler(SIGCONT)
      let segvBefore = Self.handler(SIGSEGV)
      let terminal = try NcursesTerminal(
        terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
        captureStandardError: false)
      terminal.present(Grid(width: 80, height: 24, fill: Cell("x")))
      #expect(cs_crash_handler_installed() == 1)
      #expect(Self.handler(SIGTSTP) != tstpBefore)
      #expect(Self.handler(SIGSEGV) != segvBefore)
      _ = pty.drain()
      terminal.close()
      let restored = pty.drain()
      #expect(Modes(pty.modes()) == shell)
      #expect(restored.contains("\u{1b}[?1049l"))
      #expect(restored.contains("\u{1b}[?25h"))
      #expect(cs_crash_handler_installed() == 0)
      #expect(Self.handler(SIGTSTP) == tstpBefore)
      #expect(Self.handler(SIGCONT) == contBefore)
      #expect(Self.handler(SIGSEGV) == segvBefore)
    }

    @Test func deinitClosesToo() throws {
      let pty = try Pty()
      let shell = Modes(pty.modes())
      do {
        let terminal = try NcursesTerminal(
          terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8",
          captureStandardError: false)
        terminal.present(Grid(width: 80, height: 24))
        _ = pty.drain()
      }
      _ = pty.drain()
      #expect(Modes(pty.modes()) == shell)
      // Released means another may open.
      let next = try NcursesTerminal(
        terminalType: "xterm", inputFD: pty.slave, outputFD: pty.slave, locale: nil,
        captureStandardError: false)
      next.close()
    }

    private static func handler(_ signal: Int32) -> UnsafeRawPointer? {
      var action = sigaction()
      sigaction(signal, nil, &action)
      return unsafeBitCast(action.__sigaction_handler.sa_handler, to: UnsafeRawPointer?.self)
    }
  }
}
