/// A horizontal progress bar with a label centred on it, like `━━━━━━━━──── 63% 6:18/10:00`.
public struct Gauge: Widget {
  public var ratio: Double
  public var label: String
  public var filledStyle: Style
  public var emptyStyle: Style
  public var labelStyle: Style
  public var symbols: SymbolSet

  public init(
    ratio: Double, label: String = "", filledStyle: Style = .plain, emptyStyle: Style = .plain,
    labelStyle: Style = .plain, symbols: SymbolSet = .unicode
  ) {
    self.ratio = ratio
    self.label = label
    self.filledStyle = filledStyle
    self.emptyStyle = emptyStyle
    self.labelStyle = labelStyle
    self.symbols = symbols
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard !area.isEmpty else { return }
    let box = BoxSymbols.of(symbols)
    let clamped = ratio.isFinite ? min(1, max(0, ratio)) : 0
    let filled = Int((clamped * Double(area.width)).rounded(.down))
    for x in 0..<area.width {
      let isFilled = x < filled
      _ = grid.put(
        isFilled ? box.barFull : box.barEmpty, x: area.x + x, y: area.y,
        style: isFilled ? filledStyle : emptyStyle)
    }
    guard !label.isEmpty else { return }
    let text = DisplayWidth.truncate(" \(label) ", to: area.width)
    let start = area.x + (area.width - DisplayWidth.of(text)) / 2
    grid.write(text, x: start, y: area.y, style: labelStyle)
  }
}
