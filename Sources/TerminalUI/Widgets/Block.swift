/// A bordered box with a title on its top edge; `inner(_:)` is where the content goes.
public struct Block: Widget {
  public var title: String
  /// Text on the top edge's right end, such as a legend or a current value.
  public var rightTitle: String
  public var borderStyle: Style
  public var titleStyle: Style
  public var symbols: SymbolSet

  public init(
    title: String = "", rightTitle: String = "", borderStyle: Style = .plain, titleStyle: Style = .plain,
    symbols: SymbolSet = .unicode
  ) {
    self.title = title
    self.rightTitle = rightTitle
    self.borderStyle = borderStyle
    self.titleStyle = titleStyle
    self.symbols = symbols
  }

  public func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

  public func render(in area: Rect, to grid: inout Grid) {
    guard area.width >= 2, area.height >= 2 else { return }
    let s = BoxSymbols.of(symbols)
    let (left, right, top, bottom) = (area.x, area.maxX - 1, area.y, area.maxY - 1)
    for x in left + 1..<right {
      _ = grid.put(s.horizontal, x: x, y: top, style: borderStyle)
      _ = grid.put(s.horizontal, x: x, y: bottom, style: borderStyle)
    }
    for y in top + 1..<bottom {
      _ = grid.put(s.vertical, x: left, y: y, style: borderStyle)
      _ = grid.put(s.vertical, x: right, y: y, style: borderStyle)
    }
    _ = grid.put(s.topLeft, x: left, y: top, style: borderStyle)
    _ = grid.put(s.topRight, x: right, y: top, style: borderStyle)
    _ = grid.put(s.bottomLeft, x: left, y: bottom, style: borderStyle)
    _ = grid.put(s.bottomRight, x: right, y: bottom, style: borderStyle)
    let room = area.width - 4
    guard room > 0 else { return }
    var used = 0
    if !title.isEmpty {
      let text = DisplayWidth.truncate(" \(title) ", to: room)
      used = grid.write(text, x: left + 1, y: top, style: titleStyle)
    }
    if !rightTitle.isEmpty {
      let text = " \(rightTitle) "
      let width = DisplayWidth.of(text)
      if used + width + 1 <= room + 2 {
        grid.write(text, x: right - width, y: top, style: titleStyle)
      }
    }
  }
}
