/// A key press as the UI understands it, independent of how the terminal encoded it.
public enum Key: Hashable, Sendable {
  case character(Character)
  case up, down, left, right
  case home, end, pageUp, pageDown
  case enter, escape, tab, backTab, backspace, delete
  /// Ctrl plus a letter, lower case (`.control("c")`).
  case control(Character)
  case function(Int)
  /// The terminal changed size; the next frame lays out again.
  case resize
}
