import Foundation
import NcursesBackend
import TerminalUI
import Testing

extension NcursesSerial {
  /// FAULTS TUI-03: stray stderr writes never reach the screen; they appear after close.
  @Suite(.timeLimit(.minutes(5))) struct StandardErrorTests {
    @Test func capturedWhileOpenReplayedAfterClose() throws {
      let marker = "stray-stderr-\(getpid())"
      let pty = try Pty()
      var screenBytes = ""
      var beforeClose = ""
      let replayed = try withStandardErrorInFile(marker: marker) { soFar in
        let terminal = try NcursesTerminal(
          terminalType: "xterm-256color", inputFD: pty.slave, outputFD: pty.slave, locale: "C.UTF-8")
        let line = "\(marker) from a dependency\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        FileHandle.standardError.write(Data("\(marker) via FileHandle\n".utf8))
        terminal.present(Grid(width: 80, height: 24, fill: Cell(".")))
        screenBytes = pty.drain()
        beforeClose = soFar()
        terminal.close()
        screenBytes += pty.drain()
      }
      #expect(!screenBytes.contains(marker))
      #expect(!beforeClose.contains(marker))
      #expect(replayed.contains("\(marker) from a dependency\n\(marker) via FileHandle\n"))
    }
  }
}
