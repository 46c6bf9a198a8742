import Metrics
import TerminalUI
import Theme
import Vocabulary

/// The Target lanes under the load charts: each watched source's CPU in cores and, where the
/// screen has room, its resident memory, on the charts' time axis, so a backend pinned at its CPU
/// limit lines up with the knee above it. A second in which a source was not read is a gap.
extension ChartsView {
  /// The memory lane only from this many rows of charts: below it the five or six lanes would
  /// each be too short to read, and the stats panel shows the memory.
  static let memoryLaneMinimumHeight = 34

  func targetCPULines(_ sources: [WatchedSource], width: Int) -> ChartLines {
    targetLines(sources, title: Self.targetCPUTitle, width: width, value: \.cpuCores) { CoresText.format($0) }
  }

  /// Memory is plotted in MiB, or in GiB from half a GiB up, so the axis's nice steps are steps
  /// of those units and every tick label ("500 MiB", "1.5 GiB") fits the charts' shared label
  /// column; `unit` is the bytes one plotted unit stands for.
  func targetMemoryLines(
    _ sources: [WatchedSource], width: Int
  ) -> (lines: ChartLines, unit: Double) {
    let peak =
      model.metrics.samples.lazy.compactMap { $0.watch?.values.compactMap(\.rssBytes).max() }.max() ?? 0
    let mebibyte = 1024.0 * 1024
    let unit = peak >= 512 * mebibyte ? 1024 * mebibyte : mebibyte
    var lines = targetLines(sources, title: Self.targetMemoryTitle, width: width, value: \.rssBytes) {
      ByteSize.format($0)
    }
    lines.series = lines.series.map { series in
      var scaled = series
      scaled.points = series.points.map { ChartPoint(x: $0.x, y: $0.y / unit) }
      return scaled
    }
    return (lines, unit)
  }

  static let targetCPUTitle = "Target CPU cores"
  static let targetMemoryTitle = "Target memory"

  /// One line per source and a legend of each source's latest figure; when that legend is too
  /// wide for the title rule (which would leave it out whole), the names alone, so every line
  /// stays labelled (the stats panel has the figures).
  private func targetLines(
    _ sources: [WatchedSource], title: String, width: Int,
    value: KeyPath<TargetFigure, Double?>, format: (Double) -> String
  ) -> ChartLines {
    let samples = model.metrics.samples
    let series = sources.map { source in
      ChartSeries(
        name: source.name,
        points: samples.compactMap { sample in
          sample.watch?[source.name]?[keyPath: value].map { ChartPoint(x: Double(sample.t), y: $0) }
        }, style: model.style(source.role))
    }
    let latest = samples.last?.watch ?? [:]
    let withFigures = sources.map { source in
      let figure = latest[source.name]?[keyPath: value].map(format) ?? "-"
      return ("\(source.label) \(figure)", source.role)
    }
    let namesOnly = sources.map { ($0.label, $0.role) }
    // As TitleRule lays out "── Title ── legend ──": 9 cells of rule, spaces and gaps.
    func fits(_ legend: [(String, ThemeRole)]) -> Bool {
      DisplayWidth.of(title) + legend.reduce(0) { $0 + DisplayWidth.of($1.0) } + 2 * (legend.count - 1) + 9
        <= width
    }
    return ChartLines(legend: fits(withFigures) ? withFigures : namesOnly, series: series)
  }
}
