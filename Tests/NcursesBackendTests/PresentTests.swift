@preconcurrency import CNcurses
import Foundation
import NcursesBackend
import TerminalUI
import TestKit
import Testing

extension NcursesSerial {
  @Suite(.timeLimit(.minutes(5))) struct PresentTests {
    /// A terminal writing into an unlinked temporary file, so the bytes it sends can be counted.
    final class FileTerminal {
      let terminal: NcursesTerminal
      let output: Int32
      let input: Int32

      init(type: String = "xterm-256color", rows: Int32 = 24, columns: Int32 = 80) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ncurses-out-\(getpid())")
          .path
        output = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        unlink(path)
        input = openDevNull()
        terminal = try NcursesTerminal(
          terminalType: type, inputFD: input, outputFD: output, locale: "C.UTF-8", captureStandardError: false
        )
        if rows != 24 || columns != 80 { resizeterm(rows, columns) }
      }

      deinit {
        terminal.close()
        close(output)
        close(input)
      }

      var bytesWritten: Int {
        var status = stat()
        fstat(output, &status)
        return Int(status.st_size)
      }

      func bytes(from offset: Int) -> String {
        let count = bytesWritten - offset
        guard count > 0 else { return "" }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(output, $0.baseAddress, count, off_t(offset)) }
        return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
      }
    }

    @Test func charactersAttributesAndColours() throws {
      let t = try FileTerminal()
      var grid = Grid(width: 80, height: 24)
      grid.write("plain", x: 0, y: 0)
      grid.write("B", x: 0, y: 1, style: Style(modifiers: .bold))
      grid.write("D", x: 1, y: 1, style: Style(modifiers: .dim))
      grid.write("I", x: 2, y: 1, style: Style(modifiers: .italic))
      grid.write("U", x: 3, y: 1, style: Style(modifiers: .underline))
      grid.write("R", x: 4, y: 1, style: Style(modifiers: [.reverse, .bold]))
      grid.write("o", x: 0, y: 2, style: Style(foreground: .indexed(208)))
      grid.write("b", x: 1, y: 2, style: Style(foreground: .indexed(15), background: .indexed(4)))
      grid.write("r", x: 2, y: 2, style: Style(foreground: .rgb(255, 135, 0), background: .terminalDefault))
      grid.write("⣿─界x", x: 0, y: 3)
      t.terminal.present(grid)

      #expect(Screen.row(0, width: 8) == "plain   ")
      #expect(Screen.cell(x: 0, y: 0).attributes == cn_a_normal())
      #expect(Screen.cell(x: 0, y: 0).pair == 0)
      #expect(Screen.cell(x: 0, y: 1).attributes == cn_a_bold())
      #expect(Screen.cell(x: 1, y: 1).attributes == cn_a_dim())
      #expect(Screen.cell(x: 2, y: 1).attributes == cn_a_italic())
      #expect(Screen.cell(x: 3, y: 1).attributes == cn_a_underline())
      #expect(Screen.cell(x: 4, y: 1).attributes == cn_a_reverse() | cn_a_bold())

      let orange = Screen.cell(x: 0, y: 2)
      #expect(orange.text == "o" && orange.colors == (208, -1))
      #expect(Screen.cell(x: 1, y: 2).colors == (15, 4))
      // An RGB colour on a 256-colour terminal lands on the nearest palette entry, same pair.
      #expect(Screen.cell(x: 2, y: 2).pair == orange.pair)
      #expect(Screen.row(3, width: 5) == "⣿─界x")
      #expect(Screen.cell(x: 4, y: 3).text == "x")
    }

    @Test func onlyChangedCellsAreSentAgain() throws {
      let t = try FileTerminal(rows: 60, columns: 200)
      #expect(t.terminal.size == (200, 60))
      var grid = Grid(width: 200, height: 60)
      for y in 0..<60 {
        let style = Style(foreground: .indexed(UInt8(y % 200)), modifiers: y % 3 == 0 ? .bold : [])
        grid.write(String(repeating: "load ⣿ 12.5 ms ", count: 14), x: 0, y: y, style: style)
      }
      t.terminal.present(grid)
      let first = t.bytesWritten
      #expect(first > 12_000)
      t.terminal.present(grid)
      #expect(t.bytesWritten == first)

      grid.write("Z", x: 10, y: 10)
      t.terminal.present(grid)
      let delta = t.bytesWritten - first
      #expect(delta > 0 && delta < 40)
      #expect(Screen.cell(x: 10, y: 10).text == "Z")
    }

    /// The painter fills cchar_t itself instead of calling setcchar: the cells must be the very
    /// bytes setcchar makes, also for pairs above 255 (which need the extended pair field).
    @Test func cellsMatchWhatSetccharMakes() throws {
      let t = try FileTerminal(rows: 24, columns: 80)
      var grid = Grid(width: 80, height: 24)
      for i in 0..<600 {
        let style = Style(
          foreground: .indexed(UInt8(i % 256)), background: .indexed(UInt8(i / 256)),
          modifiers: i % 2 == 0 ? [.bold, .underline] : [])
        grid.write(i % 3 == 0 ? "⣿" : "k", x: i % 80, y: i / 80, style: style)
      }
      t.terminal.present(grid)
      for i in [0, 1, 255, 256, 300, 599] {
        var stored = [cchar_t](repeating: cchar_t(), count: 2)
        _ = mvwin_wchnstr(cn_stdscr(), Int32(i / 80), Int32(i % 80), &stored, 1)
        let read = Screen.cell(x: i % 80, y: i / 80)
        #expect(read.colors == (Int32(i % 256), Int32(i / 256)))
        var expected = cchar_t()
        var pair = read.pair
        let text: [wchar_t] = [i % 3 == 0 ? 0x28FF : 0x6B, 0]
        let attributes = i % 2 == 0 ? cn_a_bold() | cn_a_underline() : cn_a_normal()
        #expect(setcchar(&expected, text, attributes, 0, &pair) == OK)
        let same = withUnsafeBytes(of: &expected) { e in
          withUnsafeBytes(of: &stored[0]) { e.elementsEqual($0) }
        }
        #expect(same, "cell \(i), pair \(pair)")
      }
      #expect(Screen.cell(x: 599 % 80, y: 599 / 80).pair > 255)
    }

    @Test func bottomRightCellAndClipping() throws {
      let t = try FileTerminal(rows: 5, columns: 10)
      var grid = Grid(width: 12, height: 6, fill: Cell("#"))
      grid[9, 4] = Cell("E")
      t.terminal.present(grid)
      #expect(Screen.cell(x: 9, y: 4).text == "E")
      #expect(Screen.row(0, width: 10) == "##########")
      // A smaller grid next: nothing of the old frame survives outside it.
      t.terminal.present(Grid(width: 4, height: 2, fill: Cell("o")))
      #expect(Screen.row(0, width: 10) == "oooo      ")
      #expect(Screen.row(4, width: 10) == "          ")
    }

    @Test func controlCharactersAndWideHalvesNeverShiftARow() throws {
      let t = try FileTerminal()
      var grid = Grid(width: 80, height: 24)
      grid[0, 0] = Cell("\u{1b}")
      grid[1, 0] = Cell("a")
      grid[2, 0] = Cell("\u{85}")
      grid[3, 0] = Cell("b")
      grid.write("e\u{301}", x: 4, y: 0)
      t.terminal.present(grid)
      #expect(Screen.row(0, width: 6) == "?a?be\u{301} ")

      // A wide character replaced by a narrow one: the old right half must not linger.
      var next = Grid(width: 80, height: 24)
      next.write("界界", x: 0, y: 1)
      t.terminal.present(next)
      #expect(Screen.row(1, width: 5) == "界界 ")
      next.write("ab", x: 0, y: 1)
      t.terminal.present(next)
      #expect(Screen.row(1, width: 5) == "ab界 ")
    }

    @Test func resetColorsReallocatesThePairs() throws {
      let t = try FileTerminal()
      var grid = Grid(width: 80, height: 24)
      grid.write("x", x: 0, y: 0, style: Style(foreground: .indexed(1)))
      grid.write("y", x: 1, y: 0, style: Style(foreground: .indexed(2)))
      t.terminal.present(grid)
      #expect(Screen.cell(x: 1, y: 0).colors == (2, -1))
      let before = t.bytesWritten

      t.terminal.resetColors()
      var themed = Grid(width: 80, height: 24)
      themed.write("x", x: 0, y: 0, style: Style(foreground: .indexed(2)))
      themed.write("y", x: 1, y: 0, style: Style(foreground: .indexed(3)))
      t.terminal.present(themed)
      #expect(Screen.cell(x: 0, y: 0).colors == (2, -1))
      #expect(Screen.cell(x: 1, y: 0).colors == (3, -1))
      // A colour reset repaints the whole screen: it starts with clear (xterm: ESC [H ESC [2J).
      #expect(t.bytes(from: before).contains("\u{1b}[H\u{1b}[2J"))
    }

    @Test func monochromeTerminalDropsColoursKeepsAttributes() throws {
      let t = try FileTerminal(type: "vt100")
      var grid = Grid(width: 80, height: 24)
      grid.write("!", x: 0, y: 0, style: Style(foreground: .indexed(1), modifiers: .bold))
      t.terminal.present(grid)
      #expect(Screen.cell(x: 0, y: 0).pair == 0)
      #expect(Screen.cell(x: 0, y: 0).attributes == cn_a_bold())
    }

    /// Bounded, not a benchmark: debug builds are far slower than release. The bound is on this
    /// thread's CPU time (ThreadCPU): beside other suites a busy machine stretches wall time.
    @Test func fullFramePresentTime() throws {
      let t = try FileTerminal(rows: 60, columns: 200)
      var frames: [Grid] = []
      for n in 0..<2 {
        var grid = Grid(width: 200, height: 60)
        for y in 0..<60 {
          grid.write(
            String(repeating: n == 0 ? "ab⣿c " : "xy─z ", count: 40), x: 0, y: y,
            style: Style(foreground: .indexed(UInt8((y + n) % 256))))
        }
        frames.append(grid)
      }
      var worst = Duration.zero
      for i in 0..<10 {
        let elapsed = ThreadCPU.measure { t.terminal.present(frames[i % 2]) }
        worst = max(worst, elapsed)
      }
      #expect(worst < .milliseconds(500))
    }
  }
}
