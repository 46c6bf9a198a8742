/// Lines of a log, newest at the bottom like a terminal: when there are fewer rows than room,
/// they sit at the bottom edge. One row may be highlighted across the full width (a selection).
public struct LogView: Widget {
  public struct Row: Sendable, Equatable {
    public var line: Line
    /// Fills the row's empty cells too, so a selection reads as a bar.
    public var highlight: Style?

    public init(_ line: Line, highlight: Style? = nil) {
      self.line = line
      self.highlight = highlight
    }
  }

  /// Oldest first; only the last `area.height` are drawn.
  public var rows: [Row]

  public init(rows: [Row]) {
    self.rows = rows
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard !area.isEmpty else { return }
    let shown = rows.suffix(area.height)
    var y = area.maxY - shown.count
    for row in shown {
      if let highlight = row.highlight {
        for x in area.x..<area.maxX { _ = grid.put(" ", x: x, y: y, style: highlight) }
      }
      var x = area.x
      for span in row.line {
        let room = area.maxX - x
        if room <= 0 { break }
        // The selection's background and attributes, the text's own colour.
        let style =
          row.highlight.map {
            span.style.patched(with: Style(background: $0.background, modifiers: $0.modifiers))
          }
          ?? span.style
        x += grid.write(span.text, x: x, y: y, style: style, maxWidth: room)
      }
      y += 1
    }
  }
}
