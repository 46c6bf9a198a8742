@preconcurrency import CNcurses
import TerminalUI

/// Writes grids into an ncurses window, skipping the cells that did not change since the last
/// frame (ratatui's diff). ncurses diffs again before it writes to the terminal, so this saves
/// work rather than bytes. Changed cells go in runs through wadd_wchnstr, which copies cells
/// without the per-character processing of wadd_wch.
struct FramePainter {
  private var previous: Grid?
  private var resolver: StyleResolver
  private let utf8: Bool
  private var run: [cchar_t] = []
  private var runStart = 0

  init(colorCount: Int, pairCapacity: Int, utf8: Bool) {
    resolver = StyleResolver(colorCount: colorCount, pairCapacity: pairCapacity)
    self.utf8 = utf8
    run.reserveCapacity(512)
  }

  /// The next frame is written whole, whatever the last one held.
  mutating func invalidate() { previous = nil }

  mutating func resetColors() {
    resolver.reset()
    previous = nil
  }

  /// Writes `grid` into `window`, clipped to the window; the caller refreshes.
  mutating func paint(_ grid: Grid, into window: UnsafeMutablePointer<WINDOW>) {
    let rows = min(grid.height, Int(getmaxy(window)))
    let columns = min(grid.width, Int(getmaxx(window)))
    var last = previous
    if let old = last, old.width != grid.width || old.height != grid.height { last = nil }
    // A full frame starts from blank so nothing outside a smaller grid survives.
    if last == nil { werase(window) }
    let cells = grid.cells
    let oldCells = last?.cells
    for y in 0..<rows {
      let row = y * grid.width
      var x = 0
      while x < columns {
        let cell = cells[row + x]
        if let oldCells, oldCells[row + x] == cell {
          flush(y: y, into: window)
          x += 1
          continue
        }
        // The right half of a wide character whose left half is unchanged or missing.
        if cell.symbol.isEmpty {
          flush(y: y, into: window)
          x += 1
          continue
        }
        if run.isEmpty { runStart = x }
        let isWide = x + 1 < grid.width && cells[row + x + 1].symbol.isEmpty
        if isWide {
          // The right half goes with it: the run resumes at a known column after the pair.
          if x + 1 < columns, let wide = character(cell.symbol, style: cell.style, width: 2) {
            run.append(wide)
          } else {
            let standIn = character("?", style: cell.style, width: 1)!
            run.append(standIn)
            if x + 1 < columns { run.append(character(" ", style: cell.style, width: 1)!) }
          }
          flush(y: y, into: window)
          x += 2
          continue
        }
        run.append(
          character(cell.symbol, style: cell.style, width: 1) ?? character("?", style: cell.style, width: 1)!)
        x += 1
      }
      flush(y: y, into: window)
    }
    previous = grid
  }

  private mutating func flush(y: Int, into window: UnsafeMutablePointer<WINDOW>) {
    guard !run.isEmpty else { return }
    _ = mvwadd_wchnstr(window, Int32(y), Int32(runStart), run, Int32(run.count))
    run.removeAll(keepingCapacity: true)
  }

  /// The cell as ncurses stores it, or nil when ncurses would not give it `width` columns.
  /// A different width would shift the rest of the run (ncurses advances by wcwidth), and
  /// control characters would be expanded to `^X`; both are replaced by the caller. The fields
  /// are filled as setcchar does (curses.h documents them; a test checks they match), because
  /// setcchar's validation is a third of the cost of a full frame.
  private mutating func character(_ symbol: String, style: Style, width: Int32) -> cchar_t? {
    let resolved = resolver.resolve(style)
    var value = cchar_t()
    value.attr = resolved.attributes
    value.ext_color = resolved.pair
    let utf8View = symbol.utf8
    if utf8View.count == 1, let byte = utf8View.first {
      guard width == 1, byte >= 0x20, byte != 0x7F else { return nil }
      value.chars.0 = wchar_t(byte)
      return value
    }
    var scalars = symbol.unicodeScalars.makeIterator()
    guard let first = scalars.next(), utf8 else { return nil }
    let firstCharacter = wchar_t(bitPattern: first.value)
    guard wcwidth(firstCharacter) == width else { return nil }
    value.chars.0 = firstCharacter
    // Combining marks ride along, up to CCHARW_MAX (5) code points; a cluster ncurses cannot
    // hold whole (an emoji sequence) keeps what fits before its first non-mark.
    var count = 1
    while count < 5, let scalar = scalars.next() {
      let mark = wchar_t(bitPattern: scalar.value)
      guard scalar.value >= 0x300, wcwidth(mark) == 0 else { break }
      switch count {
      case 1: value.chars.1 = mark
      case 2: value.chars.2 = mark
      case 3: value.chars.3 = mark
      default: value.chars.4 = mark
      }
      count += 1
    }
    return value
  }
}
