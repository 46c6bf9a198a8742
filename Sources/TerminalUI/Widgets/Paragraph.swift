/// A run of text pieces with their own styles, written on one line.
public struct Span: Sendable, Equatable {
  public var text: String
  public var style: Style

  public init(_ text: String, style: Style = .plain) {
    self.text = text
    self.style = style
  }
}

public typealias Line = [Span]

/// Lines of styled spans, top-aligned, cut at the right edge (no wrapping: a dashboard line that
/// wraps would push everything below it).
public struct Paragraph: Widget {
  public var lines: [Line]
  public var alignment: Alignment

  public enum Alignment: Sendable { case left, right, center }

  public init(_ lines: [Line], alignment: Alignment = .left) {
    self.lines = lines
    self.alignment = alignment
  }

  public func render(in area: Rect, to grid: inout Grid) {
    for (row, line) in lines.prefix(area.height).enumerated() {
      let width = line.reduce(0) { $0 + DisplayWidth.of($1.text) }
      var x = area.x
      switch alignment {
      case .left: break
      case .right: x = area.x + max(0, area.width - width)
      case .center: x = area.x + max(0, (area.width - width) / 2)
      }
      for span in line {
        let room = area.maxX - x
        if room <= 0 { break }
        x += grid.write(span.text, x: x, y: area.y + row, style: span.style, maxWidth: room)
      }
    }
  }
}
