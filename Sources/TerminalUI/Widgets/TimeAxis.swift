/// What the labels under the bottom chart read: elapsed time (m:ss), or plain numbers on an axis of
/// some other quantity (active vusers, for a capacity curve), with its unit in the y-label gutter.
public enum XAxisLabels: Sendable, Equatable {
  case clock
  case values(unit: String)
}

/// What every time chart shares: the time range, the y labels and their scale floor, symbols and
/// styles, event markers and shaded spans. Charts stacked on one screen share one of these
/// (with `showTimeLabels` on the bottom one only), so their plots line up.
public struct TimeAxis: Sendable {
  public var xRange: ClosedRange<Double>
  public var yFormat: @Sendable (Double) -> String
  /// The y axis reaches at least this high, so an idle chart still has a sensible scale.
  public var minimumTop: Double
  public var symbols: SymbolSet
  public var axisStyle: Style
  public var labelStyle: Style
  public var markers: [ChartMarker]
  public var spans: [ChartSpan]
  public var showMarkerRow: Bool
  /// Draws each marker as a dotted vertical line through the plot's empty cells, so a tag or
  /// the knee reads on every chart, not only the one with the marker row.
  public var showMarkerGuides: Bool
  public var showTimeLabels: Bool
  /// Columns kept for the y labels at least; equal values align stacked charts.
  public var axisWidth: Int
  /// What the x labels say; `.clock` unless the x axis is not time.
  public var xLabels: XAxisLabels

  public init(
    xRange: ClosedRange<Double>, yFormat: @escaping @Sendable (Double) -> String, minimumTop: Double = 1,
    symbols: SymbolSet = .unicode, axisStyle: Style = .plain, labelStyle: Style = .plain,
    markers: [ChartMarker] = [], spans: [ChartSpan] = [], showMarkerRow: Bool = false,
    showMarkerGuides: Bool = false, showTimeLabels: Bool = true,
    axisWidth: Int = 0, xLabels: XAxisLabels = .clock
  ) {
    self.xRange = xRange
    self.yFormat = yFormat
    self.minimumTop = minimumTop
    self.symbols = symbols
    self.axisStyle = axisStyle
    self.labelStyle = labelStyle
    self.markers = markers
    self.spans = spans
    self.showMarkerRow = showMarkerRow
    self.showMarkerGuides = showMarkerGuides
    self.showTimeLabels = showTimeLabels
    self.axisWidth = axisWidth
    self.xLabels = xLabels
  }

  /// Lays out the chart for data reaching `dataMax`, draws spans and the y axis, and returns the
  /// frame whose plot the chart fills; nil when the area is too small for a plot.
  func begin(in area: Rect, dataMax: Double, to grid: inout Grid) -> ChartFrame? {
    guard area.width >= 8, area.height >= 2 else { return nil }
    let (frame, ticks, labelWidth) = ChartFrame.layout(
      area: area, dataMax: dataMax, minimumTop: minimumTop, format: yFormat, timeLabels: showTimeLabels,
      markerRow: showMarkerRow, axisWidth: axisWidth)
    guard frame.plot.width > 0, frame.plot.height > 0 else { return nil }
    frame.drawSpans(spans, xRange: xRange, to: &grid)
    frame.drawAxis(
      ticks: ticks, labelWidth: labelWidth, area: area, symbols: BoxSymbols.of(symbols), axisStyle: axisStyle,
      labelStyle: labelStyle, to: &grid)
    return frame
  }

  /// The rows under the plot: markers, then time labels.
  func end(_ frame: ChartFrame, to grid: inout Grid) {
    if showMarkerGuides {
      frame.drawMarkerGuides(markers, xRange: xRange, glyph: symbols == .unicode ? "┊" : ":", to: &grid)
    }
    var row = frame.plot.maxY
    if showMarkerRow {
      frame.drawMarkers(markers, row: row, xRange: xRange, to: &grid)
      row += 1
    }
    guard showTimeLabels else { return }
    switch xLabels {
    case .clock: frame.drawTimeLabels(row: row, xRange: xRange, style: labelStyle, to: &grid)
    case .values(let unit):
      frame.drawValueLabels(row: row, xRange: xRange, unit: unit, style: labelStyle, to: &grid)
    }
  }
}
