@preconcurrency import CNcurses
import TerminalUI

/// One `get_wch` result: a character (`OK`) or a key code (`KEY_CODE_YES`).
enum RawKey: Equatable, Sendable {
  case character(UInt32)
  case keyCode(Int32)
}

/// Turns what ncurses read into the UI's `Key`; nil for anything the UI has no name for, which
/// the reader skips.
enum KeyDecoder {
  static func decode(_ raw: RawKey) -> Key? {
    switch raw {
    case .character(let value): decodeCharacter(value)
    case .keyCode(let code): decodeKeyCode(code)
    }
  }

  private static func decodeCharacter(_ value: UInt32) -> Key? {
    switch value {
    // Ctrl-J and Ctrl-M are Enter, Ctrl-I is Tab and Ctrl-H is Backspace on every terminal:
    // they cannot also be Ctrl-letters.
    case 10, 13: return .enter
    case 9: return .tab
    case 8, 127: return .backspace
    case 27: return .escape
    case 1...26:
      return .control(Character(Unicode.Scalar(UInt8(value) + 0x60)))
    // Other C0 (Ctrl-@, Ctrl-\ ...) and C1 controls have no Key.
    case 0..<32, 0x80..<0xA0: return nil
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }

  private static func decodeKeyCode(_ code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    // Some terminfo entries (linux, screen) send Find/Select for the Home/End keys.
    case KEY_HOME, KEY_FIND: return .home
    case KEY_END, KEY_SELECT: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_ENTER: return .enter
    case KEY_BTAB: return .backTab
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_RESIZE: return .resize
    case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
    default: return nil
    }
  }
}
