import Vocabulary

/// The parts every time chart shares: a y axis with nice ticks on the left, an optional marker
/// row and time labels at the bottom, shaded spans; the plot area is what is left.
struct ChartFrame {
  var plot: Rect
  var top: Double

  static func layout(
    area: Rect, dataMax: Double, minimumTop: Double, format: (Double) -> String, timeLabels: Bool,
    markerRow: Bool, axisWidth: Int
  ) -> (frame: ChartFrame, ticks: [(row: Int, label: String)], labelWidth: Int) {
    var bottomRows = 0
    if timeLabels { bottomRows += 1 }
    if markerRow { bottomRows += 1 }
    let plotHeight = max(0, area.height - bottomRows)
    // The tick count that gives the tightest nice top (ties go to more ticks), so the data fills
    // the height instead of sitting under a scale rounded far up.
    let maxIntervals = max(1, min(4, (plotHeight - 1) / 2))
    let target = max(dataMax, minimumTop)
    var intervals = 1
    var step = NiceScale.step(for: target, intervals: 1)
    for n in 2...max(2, maxIntervals) where n <= maxIntervals {
      let s = NiceScale.step(for: target, intervals: n)
      if s * Double(n) <= step * Double(intervals) {
        intervals = n
        step = s
      }
    }
    let top = step * Double(intervals)
    var ticks: [(Int, String)] = []
    for i in 0...intervals where plotHeight > 0 {
      let offset =
        plotHeight == 1 ? 0 : Int((Double(i) * Double(plotHeight - 1) / Double(intervals)).rounded())
      ticks.append((area.y + plotHeight - 1 - offset, format(step * Double(i))))
    }
    // Charts stacked on one time axis pass the same width so their plots line up.
    let labelWidth = max(axisWidth, ticks.map { DisplayWidth.of($0.1) }.max() ?? 0)
    let plot = Rect(
      x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: plotHeight)
    return (ChartFrame(plot: plot, top: top), ticks, labelWidth)
  }

  /// Column of the plot where time `x` falls, or nil outside the range.
  func column(of x: Double, xRange: ClosedRange<Double>) -> Int? {
    guard plot.width > 0, x >= xRange.lowerBound, x <= xRange.upperBound else { return nil }
    let span = max(xRange.upperBound - xRange.lowerBound, 1e-9)
    return plot.x + min(plot.width - 1, Int((x - xRange.lowerBound) / span * Double(plot.width)))
  }

  func drawAxis(
    ticks: [(row: Int, label: String)], labelWidth: Int, area: Rect, symbols: BoxSymbols, axisStyle: Style,
    labelStyle: Style, to grid: inout Grid
  ) {
    let axisX = plot.x - 1
    for y in plot.y..<plot.maxY { _ = grid.put(symbols.vertical, x: axisX, y: y, style: axisStyle) }
    for tick in ticks {
      let w = DisplayWidth.of(tick.label)
      grid.write(tick.label, x: area.x + labelWidth - w, y: tick.row, style: labelStyle)
      _ = grid.put(symbols.axisTick, x: axisX, y: tick.row, style: axisStyle)
    }
  }

  func drawSpans(_ spans: [ChartSpan], xRange: ClosedRange<Double>, to grid: inout Grid) {
    for span in spans {
      let from = max(span.from, xRange.lowerBound)
      let to = min(span.to, xRange.upperBound)
      guard from <= to, let c0 = column(of: from, xRange: xRange), let c1 = column(of: to, xRange: xRange)
      else { continue }
      grid.setStyle(span.style, in: Rect(x: c0, y: plot.y, width: c1 - c0 + 1, height: plot.height))
    }
  }

  func drawMarkers(_ markers: [ChartMarker], row: Int, xRange: ClosedRange<Double>, to grid: inout Grid) {
    for marker in markers where marker.label == nil {
      guard let c = column(of: marker.x, xRange: xRange) else { continue }
      _ = grid.put(marker.glyph, x: c, y: row, style: marker.style)
    }
    // A labelled marker is the glyph and its label together, so one never takes another's label:
    // where its cells are taken it moves to the nearest free stretch (right first, then left).
    for marker in markers {
      guard let label = marker.label, let c = column(of: marker.x, xRange: xRange) else { continue }
      let text = String(marker.glyph) + label
      let width = DisplayWidth.of(text)
      func isFree(_ start: Int) -> Bool {
        start >= plot.x && start + width <= plot.maxX
          && (start..<start + width).allSatisfy { grid[$0, row].symbol == " " }
      }
      let right = (c..<plot.maxX).first(where: isFree)
      let left = stride(from: c - 1, through: plot.x, by: -1).first(where: isFree)
      guard let start = [right, left].compactMap({ $0 }).min(by: { abs($0 - c) < abs($1 - c) }) else {
        continue
      }
      grid.write(text, x: start, y: row, style: marker.style)
    }
  }

  /// A guide per marker through the plot, only where the data left the cell empty; dim, so the
  /// data stays in front.
  func drawMarkerGuides(
    _ markers: [ChartMarker], xRange: ClosedRange<Double>, glyph: Character, to grid: inout Grid
  ) {
    for marker in markers {
      guard let c = column(of: marker.x, xRange: xRange) else { continue }
      for y in plot.y..<plot.maxY where grid[c, y].symbol == " " {
        let background = grid[c, y].style.background
        var style = marker.style.adding(.dim)
        style.background = background
        _ = grid.put(glyph, x: c, y: y, style: style)
      }
    }
  }

  /// Numbers at nice steps under the plot, never overlapping, and the unit right-aligned in the
  /// y-label gutter to their left (where a time axis leaves the row empty).
  func drawValueLabels(row: Int, xRange: ClosedRange<Double>, unit: String, style: Style, to grid: inout Grid)
  {
    guard plot.width > 0 else { return }
    let unitWidth = DisplayWidth.of(unit)
    if unitWidth > 0, plot.x - 1 - unitWidth >= 0 {
      grid.write(unit, x: plot.x - 1 - unitWidth, y: row, style: style)
    }
    let span = xRange.upperBound - xRange.lowerBound
    let step = max(1, NiceScale.step(for: span, intervals: max(1, plot.width / 8)))
    var value = (xRange.lowerBound / step).rounded(.up) * step
    var nextFree = plot.x
    while value <= xRange.upperBound + 1e-9 {
      if let c = column(of: value, xRange: xRange) {
        let label = NiceScale.tickLabel(value, step: step)
        let w = DisplayWidth.of(label)
        let x = min(c, plot.maxX - w)
        if x >= nextFree {
          grid.write(label, x: x, y: row, style: style)
          nextFree = x + w + 2
        }
      }
      value += step
    }
  }

  /// Clock labels (m:ss) at nice steps under the plot, never overlapping.
  func drawTimeLabels(row: Int, xRange: ClosedRange<Double>, style: Style, to grid: inout Grid) {
    guard plot.width > 0 else { return }
    let span = xRange.upperBound - xRange.lowerBound
    let step = NiceScale.timeStep(for: span, count: max(1, plot.width / 10))
    var t = (xRange.lowerBound / step).rounded(.up) * step
    var nextFree = plot.x
    while t <= xRange.upperBound + 1e-9 {
      if let c = column(of: t, xRange: xRange) {
        let label = ClockText.format(t)
        let w = DisplayWidth.of(label)
        let x = min(c, plot.maxX - w)
        if x >= nextFree {
          grid.write(label, x: x, y: row, style: style)
          nextFree = x + w + 2
        }
      }
      t += step
    }
  }
}
