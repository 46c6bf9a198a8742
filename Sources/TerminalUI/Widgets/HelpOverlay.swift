/// A centred box over the screen listing every key by section; drawn last, on top of the rest.
public struct HelpOverlay: Widget {
  public struct Section: Sendable {
    public var title: String
    public var keys: [(key: String, action: String)]

    public init(title: String, keys: [(key: String, action: String)]) {
      self.title = title
      self.keys = keys
    }
  }

  public var title: String
  public var sections: [Section]
  public var footer: String
  public var borderStyle: Style
  public var titleStyle: Style
  public var keyStyle: Style
  public var textStyle: Style
  public var symbols: SymbolSet

  public init(
    title: String, sections: [Section], footer: String, borderStyle: Style, titleStyle: Style,
    keyStyle: Style, textStyle: Style, symbols: SymbolSet
  ) {
    self.title = title
    self.sections = sections
    self.footer = footer
    self.borderStyle = borderStyle
    self.titleStyle = titleStyle
    self.keyStyle = keyStyle
    self.textStyle = textStyle
    self.symbols = symbols
  }

  public func render(in area: Rect, to grid: inout Grid) {
    let keyWidth = sections.flatMap { $0.keys.map { DisplayWidth.of($0.key) } }.max() ?? 0
    let textWidth = sections.flatMap { $0.keys.map { DisplayWidth.of($0.action) } }.max() ?? 0
    let contentWidth = max(keyWidth + 2 + textWidth, DisplayWidth.of(footer), DisplayWidth.of(title) + 2)
    let rows = sections.reduce(0) { $0 + $1.keys.count + 1 } + sections.count - 1 + 2
    let box = area.centered(width: contentWidth + 4, height: rows + 2)
    grid.fill(box, with: Cell(" ", style: textStyle))
    let block = Block(title: title, borderStyle: borderStyle, titleStyle: titleStyle, symbols: symbols)
    grid.render(block, in: box)
    let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
    var y = inner.y
    for (index, section) in sections.enumerated() {
      if index > 0 { y += 1 }
      guard y < inner.maxY else { return }
      grid.write(section.title, x: inner.x, y: y, style: titleStyle, maxWidth: inner.width)
      y += 1
      for entry in section.keys where y < inner.maxY {
        grid.write(entry.key, x: inner.x, y: y, style: keyStyle, maxWidth: keyWidth)
        grid.write(
          entry.action, x: inner.x + keyWidth + 2, y: y, style: textStyle,
          maxWidth: inner.width - keyWidth - 2)
        y += 1
      }
    }
    if inner.height > 0 {
      grid.write(footer, x: inner.x, y: inner.maxY - 1, style: textStyle.adding(.dim), maxWidth: inner.width)
    }
  }
}
