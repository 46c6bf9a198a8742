import Metrics
import TerminalUI
import Theme
import Vocabulary

/// A chart's legend entries and lines.
struct ChartLines {
  var legend: [(String, ThemeRole)]
  var series: [ChartSeries]
}

/// What the charts of an open-model run draw beyond the closed model's.
extension ChartsView {
  /// Offered rate, achieved throughput (every completed request) and ok on one chart, so the
  /// user sees where achieved stops following offered. Whole seconds only, as every rate. Achieved
  /// is drawn last: while it follows the offered line it covers it, and the offered line shows
  /// where the two part.
  func openModelTPS(_ whole: [SecondSample]) -> ChartLines {
    func points(_ value: (SecondSample) -> Double?) -> [ChartPoint] {
      whole.compactMap { sample in value(sample).map { ChartPoint(x: Double(sample.t), y: $0) } }
    }
    let last = whole.last
    return ChartLines(
      legend: [
        ("offered \(CountText.format(last?.offeredRate ?? 0))", .offered),
        ("tps \(CountText.format(last?.tps ?? 0))", .tps),
        ("ok \(CountText.format(Double(last?.ok ?? 0)))", .good),
      ],
      series: [
        ChartSeries(name: "offered", points: points(\.offeredRate), style: model.style(.offered)),
        ChartSeries(name: "ok", points: points { Double($0.ok) }, style: model.style(.good)),
        ChartSeries(name: "tps", points: points(\.tps), style: model.style(.tps)),
      ])
  }

  /// The uncorrected p99 (from the actual send) under the corrected lines, in the muted role: the
  /// figure a closed-model tool would report, for comparison. Only where its legend entry fits in
  /// the title rule (the rule drops a legend that does not fit whole): at 80 columns the chart keeps
  /// its three lines and the stats panel gives both views side by side.
  func withUncorrectedP99(_ lines: ChartLines, measured: [SecondSample], width: Int) -> ChartLines {
    let last = measured.last { $0.uncorrected != nil }
    let entry = ("uncorrected p99 \(LatencyText.format(last?.uncorrected?.p99Ms ?? 0))", ThemeRole.muted)
    let legend = lines.legend + [entry]
    // As TitleRule lays out "── Latency ── legend ──": 9 cells of rule, spaces and gaps.
    let legendWidth = legend.reduce(0) { $0 + DisplayWidth.of($1.0) } + 2 * (legend.count - 1)
    guard DisplayWidth.of("Latency") + legendWidth + 9 <= width else { return lines }
    let points = measured.compactMap { sample in
      sample.uncorrected.map { ChartPoint(x: Double(sample.t), y: $0.p99Ms) }
    }
    return ChartLines(
      legend: legend,
      series: [ChartSeries(name: "uncorrected p99", points: points, style: model.style(.muted))]
        + lines.series)
  }
}
