/// What every screen shows below its minimum size: what it needs, what it has, and one line of
/// its own state with the key that leaves; centred, each line cut to the width.
public struct TooSmallScreen: Widget {
  public var minimumWidth: Int
  public var minimumHeight: Int
  /// The screen's own line ("running 0:42  q stops").
  public var status: String
  public var headline: Style
  public var text: Style
  public var symbols: SymbolSet

  public init(
    minimumWidth: Int, minimumHeight: Int, status: String, headline: Style, text: Style, symbols: SymbolSet
  ) {
    self.minimumWidth = minimumWidth
    self.minimumHeight = minimumHeight
    self.status = status
    self.headline = headline
    self.text = text
    self.symbols = symbols
  }

  public func render(in area: Rect, to grid: inout Grid) {
    let lines = [
      "terminal too small: need \(minimumWidth)x\(minimumHeight)",
      "now \(area.width)x\(area.height)",
      status,
    ]
    let top = area.y + max(0, (area.height - lines.count) / 2)
    for (i, line) in lines.enumerated() where top + i < area.y + area.height {
      let cut = DisplayWidth.truncate(line, to: area.width, symbols: symbols)
      let x = area.x + max(0, (area.width - DisplayWidth.of(cut)) / 2)
      grid.write(cut, x: x, y: top + i, style: i == 0 ? headline : text)
    }
  }
}
