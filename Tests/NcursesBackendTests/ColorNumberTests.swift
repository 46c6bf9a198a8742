import TerminalUI
import Testing

@testable import NcursesBackend

@Suite(.timeLimit(.minutes(5))) struct ColorNumberTests {
  @Test func defaultsAndNoColour() {
    #expect(ColorNumber.number(for: nil, colorCount: 256) == -1)
    #expect(ColorNumber.number(for: .terminalDefault, colorCount: 256) == -1)
    #expect(ColorNumber.number(for: .indexed(1), colorCount: 0) == -1)
    #expect(ColorNumber.number(for: .rgb(255, 0, 0), colorCount: 0) == -1)
  }

  @Test func palette256() {
    #expect(ColorNumber.number(for: .indexed(208), colorCount: 256) == 208)
    // Safety net for a theme that was not downgraded: the nearest cube or grey entry.
    #expect(ColorNumber.number(for: .rgb(255, 135, 0), colorCount: 256) == 208)
    #expect(ColorNumber.number(for: .rgb(128, 128, 128), colorCount: 256) == 244)
    #expect(ColorNumber.number(for: .rgb(0, 0, 0), colorCount: 256) == 16)
  }

  @Test func eightColours() {
    #expect(ColorNumber.number(for: .indexed(3), colorCount: 8) == 3)
    #expect(ColorNumber.number(for: .indexed(9), colorCount: 8) == 1)
    #expect(ColorNumber.number(for: .indexed(196), colorCount: 8) == 1)
    #expect(ColorNumber.number(for: .rgb(0, 200, 0), colorCount: 8) == 2)
    #expect(ColorNumber.number(for: .indexed(12), colorCount: 16) == 12)
  }

  @Test func directColour() {
    let direct = 1 << 24
    #expect(ColorNumber.number(for: .rgb(0xFF, 0x87, 0x00), colorCount: direct) == 0xFF8700)
    // Palette 208 is (255, 135, 0); in direct mode a bare 208 would mean RGB(0, 0, 208).
    #expect(ColorNumber.number(for: .indexed(208), colorCount: direct) == 0xFF8700)
    #expect(ColorNumber.number(for: .indexed(4), colorCount: direct) == 4)
    // 0-7 name palette slots in direct mode: near-black stays black-ish without becoming one.
    #expect(ColorNumber.number(for: .rgb(0, 0, 0), colorCount: direct) == 8)
    #expect(ColorNumber.number(for: .rgb(0, 0, 5), colorCount: direct) == 8)
  }
}
