/// Bars over time, one per column, each stacked from layers (errors per second by kind). Partial
/// cells use eighth blocks; a cell shared by two layers takes the colour of the larger share.
public struct StackedBarChart: Widget {
  public var layers: [ChartSeries]
  public var xRange: ClosedRange<Double>
  public var yFormat: @Sendable (Double) -> String
  public var minimumTop: Double
  public var symbols: SymbolSet
  public var axisStyle: Style
  public var labelStyle: Style
  public var markers: [ChartMarker]
  public var spans: [ChartSpan]
  public var showMarkerRow: Bool
  public var showTimeLabels: Bool
  /// Columns kept for the y labels at least; equal values align stacked charts.
  public var axisWidth: Int

  public init(
    layers: [ChartSeries], xRange: ClosedRange<Double>, yFormat: @escaping @Sendable (Double) -> String,
    minimumTop: Double = 1, symbols: SymbolSet = .unicode, axisStyle: Style = .plain,
    labelStyle: Style = .plain, markers: [ChartMarker] = [], spans: [ChartSpan] = [],
    showMarkerRow: Bool = false, showTimeLabels: Bool = true, axisWidth: Int = 0
  ) {
    self.axisWidth = axisWidth
    self.layers = layers
    self.xRange = xRange
    self.yFormat = yFormat
    self.minimumTop = minimumTop
    self.symbols = symbols
    self.axisStyle = axisStyle
    self.labelStyle = labelStyle
    self.markers = markers
    self.spans = spans
    self.showMarkerRow = showMarkerRow
    self.showTimeLabels = showTimeLabels
  }

  public func render(in area: Rect, to grid: inout Grid) {
    guard area.width >= 8, area.height >= 2 else { return }
    let labelGuess = 6
    let columns = max(1, area.width - labelGuess)
    let (frame, ticks, labelWidth) = ChartFrame.layout(
      area: area, dataMax: stackedMax(columns: columns), minimumTop: minimumTop, format: yFormat,
      timeLabels: showTimeLabels, markerRow: showMarkerRow, axisWidth: axisWidth)
    let plot = frame.plot
    guard plot.width > 0, plot.height > 0 else { return }
    let box = BoxSymbols.of(symbols)
    frame.drawSpans(spans, xRange: xRange, to: &grid)
    frame.drawAxis(
      ticks: ticks, labelWidth: labelWidth, area: area, symbols: box, axisStyle: axisStyle,
      labelStyle: labelStyle, to: &grid)
    let sampled = layers.map { ColumnSampler.sample($0.points, columns: plot.width, xRange: xRange) }
    let eighthsPerUnit = Double(plot.height * 8) / frame.top
    for c in 0..<plot.width {
      // Cumulative heights in eighths of a cell, bottom layer first.
      var bounds: [Int] = []
      var total = 0.0
      for layer in sampled {
        total += max(0, layer[c] ?? 0)
        bounds.append(min(plot.height * 8, Int((total * eighthsPerUnit).rounded())))
      }
      guard let height = bounds.last, height > 0 else { continue }
      for row in 0..<plot.height {
        let low = row * 8
        guard height > low else { break }
        let filled = min(8, height - low)
        var best = 0
        var bestShare = -1
        var lower = 0
        for (i, upper) in bounds.enumerated() {
          let share = max(0, min(upper, low + 8) - max(lower, low))
          if share > bestShare {
            best = i
            bestShare = share
          }
          lower = upper
        }
        _ = grid.put(
          box.eighths[filled - 1], x: plot.x + c, y: plot.maxY - 1 - row, style: layers[best].style)
      }
    }
    var row = plot.maxY
    if showMarkerRow {
      frame.drawMarkers(markers, row: row, xRange: xRange, to: &grid)
      row += 1
    }
    if showTimeLabels { frame.drawTimeLabels(row: row, xRange: xRange, style: labelStyle, to: &grid) }
  }

  private func stackedMax(columns: Int) -> Double {
    let sampled = layers.map { ColumnSampler.sample($0.points, columns: columns, xRange: xRange) }
    var top = 0.0
    for c in 0..<columns { top = max(top, sampled.reduce(0) { $0 + max(0, $1[c] ?? 0) }) }
    return top
  }
}
