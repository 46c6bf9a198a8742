/// The newest values as one row of bar heights, right-aligned so the latest is at the edge.
public struct Sparkline: Widget {
  public var values: [Double]
  public var style: Style
  public var symbols: SymbolSet
  /// The value drawn as a full cell; the largest value when nil.
  public var maximum: Double?

  public init(values: [Double], style: Style = .plain, symbols: SymbolSet = .unicode, maximum: Double? = nil)
  {
    self.values = values
    self.style = style
    self.symbols = symbols
    self.maximum = maximum
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard !area.isEmpty else { return }
    let shown = values.suffix(area.width)
    let top = maximum ?? shown.max() ?? 0
    let eighths = BoxSymbols.of(symbols).eighths
    let levels = area.height * 8
    var x = area.maxX - shown.count
    for value in shown {
      let level = top > 0 ? Int((min(1, max(0, value / top)) * Double(levels)).rounded()) : 0
      // A non-zero value always shows at least the lowest bar, so activity is never invisible.
      let height = value > 0 ? max(1, level) : 0
      for row in 0..<area.height where height > row * 8 {
        _ = grid.put(eighths[min(8, height - row * 8) - 1], x: x, y: area.maxY - 1 - row, style: style)
      }
      x += 1
    }
  }
}
