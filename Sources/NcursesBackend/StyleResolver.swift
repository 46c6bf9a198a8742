@preconcurrency import CNcurses
import TerminalUI

/// A `Style` as ncurses stores it in a cell: attribute bits (with the pair number in the colour
/// bits, capped at 255 as setcchar does) and the full pair number.
struct ResolvedStyle: Equatable {
  var attributes: attr_t
  var pair: Int32

  init(modifiers: attr_t, pair: Int32) {
    attributes = modifiers | attr_t(bitPattern: COLOR_PAIR(min(pair, 255)))
    self.pair = pair
  }
}

/// Resolves styles, remembering each one: a frame uses a handful of styles over thousands of
/// cells.
struct StyleResolver {
  private var cache: [Style: ResolvedStyle] = [:]
  private var lastStyle: Style?
  private var lastResolved = ResolvedStyle(modifiers: 0, pair: 0)
  private var pairs: ColorPairs
  let colorCount: Int

  init(colorCount: Int, pairCapacity: Int) {
    self.colorCount = colorCount
    pairs = ColorPairs(capacity: pairCapacity)
  }

  mutating func resolve(_ style: Style) -> ResolvedStyle {
    // Neighbouring cells mostly share a style; comparing beats hashing.
    if style == lastStyle { return lastResolved }
    let resolved: ResolvedStyle
    if let cached = cache[style] {
      resolved = cached
    } else {
      resolved = ResolvedStyle(modifiers: Self.attributes(style.modifiers), pair: pair(for: style))
      cache[style] = resolved
    }
    lastStyle = style
    lastResolved = resolved
    return resolved
  }

  /// After a theme change: new colours may reuse old pair numbers, so nothing cached holds.
  mutating func reset() {
    cache.removeAll(keepingCapacity: true)
    lastStyle = nil
    if colorCount > 0 { pairs.reset() }
  }

  private mutating func pair(for style: Style) -> Int32 {
    guard colorCount > 0 else { return 0 }
    return pairs.pair(
      foreground: ColorNumber.number(for: style.foreground, colorCount: colorCount),
      background: ColorNumber.number(for: style.background, colorCount: colorCount))
  }

  static func attributes(_ modifiers: Modifiers) -> attr_t {
    var bits = cn_a_normal()
    if modifiers.contains(.bold) { bits |= cn_a_bold() }
    if modifiers.contains(.dim) { bits |= cn_a_dim() }
    if modifiers.contains(.italic) { bits |= cn_a_italic() }
    if modifiers.contains(.underline) { bits |= cn_a_underline() }
    if modifiers.contains(.reverse) { bits |= cn_a_reverse() }
    return bits
  }
}
