@preconcurrency import CNcurses

/// Colour pairs, allocated the first time a (foreground, background) combination is drawn
/// (TermKit's colorToAttribute). Pair numbers travel through setcchar's extended argument, so
/// all of COLOR_PAIRS is usable, not only the 255 that fit in an attribute.
struct ColorPairs {
  private struct Key: Hashable {
    let foreground: Int32
    let background: Int32
  }

  private var pairs: [Key: Int32] = [:]
  private var next: Int32 = 1
  private let capacity: Int32

  init(capacity: Int) {
    self.capacity = Int32(clamping: capacity)
  }

  /// The pair for these colour numbers; 0 (the terminal's default colours) when both are the
  /// default or the table is full.
  mutating func pair(foreground: Int32, background: Int32) -> Int32 {
    if foreground == ColorNumber.terminalDefault && background == ColorNumber.terminalDefault { return 0 }
    let key = Key(foreground: foreground, background: background)
    if let pair = pairs[key] { return pair }
    var pair: Int32 = 0
    if next < capacity, init_extended_pair(next, foreground, background) == OK {
      pair = next
      next += 1
    }
    // A failure is remembered too, so a colour the terminal refuses costs one call, not one per
    // cell per frame.
    pairs[key] = pair
    return pair
  }

  /// Forgets every pair, in ncurses too; cells on screen must be repainted afterwards.
  mutating func reset() {
    reset_color_pairs()
    pairs.removeAll(keepingCapacity: true)
    next = 1
  }
}
