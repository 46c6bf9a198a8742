import SnapshotSupport
import Testing
import Vocabulary

@testable import TerminalUI

/// Golden screens for every widget. `RECORD_SNAPSHOTS=1 swift test --filter WidgetSnapshotTests`
/// re-records them (and fails, so a recording is never mistaken for a pass).
@Suite(.timeLimit(.minutes(5))) struct WidgetSnapshotTests {
  let red = Style(foreground: .indexed(1))
  let green = Style(foreground: .indexed(2))
  let blue = Style(foreground: .indexed(4), modifiers: .bold)
  let muted = Style(foreground: .indexed(8))

  /// A ramp that saturates: TPS climbs in steps then flattens, latency stays low then climbs.
  var rampTPS: [ChartPoint] {
    (0..<60).map { t in ChartPoint(x: Double(t), y: Double(min(t / 10 + 1, 4)) * 250) }
  }
  var rampLatency: [ChartPoint] {
    (0..<60).map { t in ChartPoint(x: Double(t), y: t < 40 ? 20 : 20 + Double(t - 40) * 9) }
  }

  @Test func blockWithTitles() {
    var grid = Grid(width: 24, height: 4)
    grid.render(
      Block(title: "TPS", rightTitle: "1.2k/s", borderStyle: muted, titleStyle: blue), in: grid.area)
    expectSnapshot(grid, named: "block")
  }

  @Test func blockInASCIIWithATitleTooLong() {
    var grid = Grid(width: 12, height: 3)
    grid.render(Block(title: "a very long title", symbols: .ascii), in: grid.area)
    expectSnapshot(grid, named: "block-ascii")
  }

  @Test func paragraphAlignmentsAndClipping() {
    var grid = Grid(width: 16, height: 3)
    grid.render(Paragraph([[Span("left", style: red), Span(" and more text")]]), in: grid.area)
    grid.render(
      Paragraph([[], [Span("right")], [Span("mid", style: green)]], alignment: .right),
      in: Rect(x: 0, y: 0, width: 16, height: 2))
    grid.render(Paragraph([[Span("center")]], alignment: .center), in: Rect(x: 0, y: 2, width: 16, height: 1))
    expectSnapshot(grid, named: "paragraph")
  }

  func chart(_ dots: ChartDots, symbols: SymbolSet = .unicode) -> LineChart {
    let glyphs: (Character, Character) = symbols == .ascii ? ("|", "^") : ("│", "▲")
    return LineChart(
      series: [
        ChartSeries(name: "tps", points: rampTPS, style: green),
        ChartSeries(name: "mtt", points: rampLatency.map { ChartPoint(x: $0.x, y: $0.y * 4) }, style: red),
      ],
      dots: dots,
      axis: TimeAxis(
        xRange: 0...90, yFormat: { CountText.format($0) }, symbols: symbols, axisStyle: muted,
        labelStyle: muted,
        markers: [
          ChartMarker(x: 10, glyph: glyphs.0, style: blue), ChartMarker(x: 42, glyph: glyphs.1, style: red),
        ],
        spans: [ChartSpan(from: 20, to: 25, style: Style(background: .indexed(236)))], showMarkerRow: true))
  }

  @Test func lineChartBraille() {
    var grid = Grid(width: 60, height: 12)
    grid.render(chart(.braille), in: grid.area)
    expectSnapshot(grid, named: "linechart-braille")
  }

  @Test func lineChartBlocks() {
    var grid = Grid(width: 60, height: 12)
    grid.render(chart(.blocks), in: grid.area)
    expectSnapshot(grid, named: "linechart-blocks")
  }

  @Test func lineChartASCII() {
    var grid = Grid(width: 60, height: 12)
    grid.render(chart(.ascii, symbols: .ascii), in: grid.area)
    expectSnapshot(grid, named: "linechart-ascii")
    #expect(grid.lines().allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
  }

  @Test func lineChartWithNoDataStillHasAxes() {
    var grid = Grid(width: 30, height: 6)
    grid.render(
      LineChart(
        series: [ChartSeries(name: "tps", points: [], style: green)],
        axis: TimeAxis(xRange: 0...600, yFormat: { CountText.format($0) })),
      in: grid.area)
    expectSnapshot(grid, named: "linechart-empty")
  }

  @Test func lineChartZoomedInDrawsEachSecondAsAStep() {
    var grid = Grid(width: 40, height: 6)
    let points = [ChartPoint(x: 5, y: 10), ChartPoint(x: 6, y: 40), ChartPoint(x: 7, y: 20)]
    grid.render(
      LineChart(
        series: [ChartSeries(name: "v", points: points, style: blue)],
        axis: TimeAxis(xRange: 4...9, yFormat: { LatencyText.format($0) })),
      in: grid.area)
    expectSnapshot(grid, named: "linechart-zoomed")
  }

  @Test func stackedBarsByKind() {
    var grid = Grid(width: 50, height: 8)
    let timeouts = (0..<60).map { t in ChartPoint(x: Double(t), y: t > 30 ? Double(t - 30) : 0) }
    let resets = (0..<60).map { t in ChartPoint(x: Double(t), y: t > 45 ? 12 : 0) }
    grid.render(
      StackedBarChart(
        layers: [
          ChartSeries(name: "timeout", points: timeouts, style: red),
          ChartSeries(name: "read_reset", points: resets, style: blue),
        ],
        axis: TimeAxis(xRange: 0...60, yFormat: { CountText.format($0) }, axisStyle: muted, labelStyle: muted)
      ),
      in: grid.area)
    expectSnapshot(grid, named: "stackedbars")
  }

  @Test func sparklineRightAligned() {
    var grid = Grid(width: 12, height: 2)
    grid.render(Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 0.01], style: green), in: grid.area)
    expectSnapshot(grid, named: "sparkline")
  }

  @Test func gaugeWithLabel() {
    var grid = Grid(width: 30, height: 2)
    grid.render(
      Gauge(ratio: 0.63, label: "63% 6:18/10:00", filledStyle: green, emptyStyle: muted, labelStyle: blue),
      in: Rect(x: 0, y: 0, width: 30, height: 1))
    grid.render(Gauge(ratio: 1.7, symbols: .ascii), in: Rect(x: 0, y: 1, width: 10, height: 1))
    expectSnapshot(grid, named: "gauge")
  }

  @Test func tableAlignsAndTruncates() {
    var grid = Grid(width: 28, height: 4)
    grid.render(
      Table(
        columns: [.init(width: 10), .init(width: 8, alignment: .right), .init(width: 0)],
        header: [Span("kind", style: blue), Span("count", style: blue), Span("share", style: blue)],
        rows: [
          [Span("connect_refused"), Span("12,345"), Span("99.1%")],
          [Span("timeout", style: red), Span("7"), Span("0.9% of all errors")],
        ]),
      in: grid.area)
    expectSnapshot(grid, named: "table")
  }

  @Test func keyBarDropsWhatDoesNotFitAndKeepsTheStatus() {
    var grid = Grid(width: 40, height: 1)
    grid.render(
      KeyBar(
        entries: [("q", "quit"), ("p", "pause"), ("z/Z", "zoom"), ("?", "help"), ("T", "theme")],
        keyStyle: Style(modifiers: .reverse), actionStyle: muted, status: Span("PAUSED", style: red)),
      in: grid.area)
    expectSnapshot(grid, named: "keybar")
  }

  @Test func helpOverlayIsCentredOverTheScreen() {
    var grid = Grid(width: 44, height: 14, fill: Cell("·"))
    grid.render(
      HelpOverlay(
        title: "Keys",
        sections: [
          .init(title: "Run", keys: [("q, Ctrl-C", "stop and print summary"), ("p", "pause / resume")]),
          .init(title: "View", keys: [("z / Z", "zoom in / out"), ("0", "follow live")]),
        ], footer: "? or Esc closes", borderStyle: muted, titleStyle: blue, keyStyle: green,
        textStyle: .plain,
        symbols: .unicode),
      in: grid.area)
    expectSnapshot(grid, named: "help")
  }
}

@Suite(.timeLimit(.minutes(5))) struct TitleRuleSnapshotTests {
  @Test func titleAndLegendOnARule() {
    var grid = Grid(width: 40, height: 3)
    let bold = Style(modifiers: .bold)
    grid.render(
      TitleRule(title: [Span("TPS", style: bold)], legend: [Span("now 1.2k"), Span("  peak 2k")]),
      in: Rect(x: 0, y: 0, width: 40, height: 1))
    // A legend that cannot fit whole is left out rather than cut.
    grid.render(
      TitleRule(title: [Span("Latency")], legend: [Span("mean 12 ms  p95 30 ms  p99 45 ms")]),
      in: Rect(x: 0, y: 1, width: 30, height: 1))
    grid.render(
      TitleRule(title: [Span("ascii")], symbols: .ascii), in: Rect(x: 0, y: 2, width: 20, height: 1))
    expectSnapshot(grid, named: "titlerule")
  }
}
