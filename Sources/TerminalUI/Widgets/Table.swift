/// Rows of cells in aligned columns. Widths are fixed per column; the last column takes what is
/// left. Text that does not fit ends in "…".
public struct Table: Widget {
  public struct Column: Sendable {
    public var width: Int
    public var alignment: Paragraph.Alignment

    public init(width: Int, alignment: Paragraph.Alignment = .left) {
      self.width = width
      self.alignment = alignment
    }
  }

  public var columns: [Column]
  public var header: [Span]?
  public var rows: [[Span]]
  public var spacing: Int

  public init(columns: [Column], header: [Span]? = nil, rows: [[Span]], spacing: Int = 1) {
    self.columns = columns
    self.header = header
    self.rows = rows
    self.spacing = spacing
  }

  public func render(in area: Rect, to grid: inout Grid) {
    var y = area.y
    for row in (header.map { [$0] } ?? []) + rows {
      guard y < area.maxY else { return }
      var x = area.x
      for (i, column) in columns.enumerated() {
        let isLast = i == columns.count - 1
        let width = isLast ? max(0, area.maxX - x) : min(column.width, max(0, area.maxX - x))
        if width <= 0 { break }
        if i < row.count {
          let span = row[i]
          let text = DisplayWidth.truncate(span.text, to: width)
          let w = DisplayWidth.of(text)
          let offset: Int
          switch column.alignment {
          case .left: offset = 0
          case .right: offset = width - w
          case .center: offset = (width - w) / 2
          }
          grid.write(text, x: x + offset, y: y, style: span.style, maxWidth: width)
        }
        x += width + spacing
      }
      y += 1
    }
  }
}
