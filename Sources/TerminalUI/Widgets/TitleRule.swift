/// A section heading drawn as a rule across its row: `── TPS ──────── now 1.2k  peak 1.5k ──`.
/// Lighter than a box: a dashboard of stacked charts keeps its rows for data.
public struct TitleRule: Widget {
  public var title: [Span]
  public var legend: [Span]
  public var ruleStyle: Style
  public var symbols: SymbolSet

  public init(title: [Span], legend: [Span] = [], ruleStyle: Style = .plain, symbols: SymbolSet = .unicode) {
    self.title = title
    self.legend = legend
    self.ruleStyle = ruleStyle
    self.symbols = symbols
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard area.height > 0, area.width > 0 else { return }
    let rule = BoxSymbols.of(symbols).horizontal
    for x in area.x..<area.maxX { _ = grid.put(rule, x: x, y: area.y, style: ruleStyle) }
    var x = area.x + min(2, area.width)
    for span in [Span(" ")] + title + [Span(" ")] {
      x += grid.write(span.text, x: x, y: area.y, style: span.style, maxWidth: area.maxX - x)
    }
    let legendWidth = legend.reduce(0) { $0 + DisplayWidth.of($1.text) } + 2
    // The legend goes right-aligned when it fits after the title; otherwise it is left out whole
    // rather than cut mid-word.
    guard legendWidth > 2, x + 1 + legendWidth + 2 <= area.maxX else { return }
    var lx = area.maxX - 2 - legendWidth
    for span in [Span(" ")] + legend + [Span(" ")] {
      lx += grid.write(span.text, x: lx, y: area.y, style: span.style)
    }
  }
}
