@preconcurrency import CNcurses
import TerminalUI
import Testing

@testable import NcursesBackend

@Suite(.timeLimit(.minutes(5))) struct KeyDecoderTests {
  @Test(arguments: [
    (UInt32(0x71), Key.character("q")),
    (0x20, .character(" ")),
    (0xE9, .character("é")),
    (0x28FF, .character("⣿")),
    (10, .enter), (13, .enter),
    (27, .escape),
    (9, .tab),
    (127, .backspace), (8, .backspace),
    (1, .control("a")), (3, .control("c")), (26, .control("z")),
  ])
  func characters(value: UInt32, key: Key) {
    #expect(KeyDecoder.decode(.character(value)) == key)
  }

  @Test func controlsWithoutAName() {
    for value: UInt32 in [0, 28, 29, 30, 31, 0x80, 0x9F, 0xD800, 0x11_0000] {
      #expect(KeyDecoder.decode(.character(value)) == nil, "\(value)")
    }
  }

  @Test(arguments: [
    (KEY_UP, Key.up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
    (KEY_HOME, .home), (KEY_END, .end), (KEY_FIND, .home), (KEY_SELECT, .end),
    (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown),
    (KEY_ENTER, .enter), (KEY_BTAB, .backTab), (KEY_BACKSPACE, .backspace), (KEY_DC, .delete),
    (KEY_RESIZE, .resize),
    (KEY_F0 + 1, .function(1)), (KEY_F0 + 12, .function(12)), (cn_key_f(24), .function(24)),
  ])
  func keyCodes(code: Int32, key: Key) {
    #expect(KeyDecoder.decode(.keyCode(code)) == key)
  }

  @Test func unnamedKeyCodes() {
    for code in [KEY_F0, KEY_MOUSE, KEY_IC, KEY_F0 + 64, 0] {
      #expect(KeyDecoder.decode(.keyCode(code)) == nil, "\(code)")
    }
  }
}
