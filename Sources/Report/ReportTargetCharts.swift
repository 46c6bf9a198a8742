import Foundation
import Metrics
import Vocabulary

/// The Target lane of a report: what the watched sources of the target (`--watch-*`) used each
/// second, on the time axis of the other charts. CPU in cores and resident memory, one line per
/// source; a second in which a source was not read is a gap in its line, never a zero.
enum ReportTargetCharts {
  /// "Target CPU" and "Target memory" of one run, one line per source in the palette's colours
  /// (past the fourth source the colours repeat with a dash); none when nothing was watched. The
  /// summary's saturation note is written under the CPU chart, in the summary's words.
  static func detail(_ run: ReportRun) -> [Chart] {
    let sources = run.watchedSources
    guard !sources.isEmpty else { return [] }
    func lines(_ value: @escaping (TargetFigure) -> Double?, _ figure: (TargetSummary) -> String?)
      -> [Chart.Series]
    {
      sources.enumerated().map { i, name in
        let dash = Chart.runDashes[(i / ReportPalette.runs.count) % Chart.runDashes.count]
        return line(
          legend(name, run.figures.watch?[name], figure), ReportPalette.run(i), dash, run, name, value)
      }
    }
    let memory = MemoryAxis(peak: run.figures.watch?.values.compactMap(\.rssBytesPeak).max() ?? 0)
    let notes = (run.figures.saturation ?? []).map(\.text)
    return [
      Chart(
        id: "chart-target-cpu", title: "Target CPU", yTitle: "CPU cores (CPU seconds per second)",
        xAxis: .time, xMax: run.endS, series: lines(\.cpuCores, cpuFigure),
        markers: ReportCharts.markers(run, dot: nil), spans: ReportCharts.spans(run),
        emptyText: "no CPU reading in this run",
        note: notes.isEmpty ? nil : "saturation: " + notes.joined(separator: "; ")),
      Chart(
        id: "chart-target-memory", title: "Target memory", yTitle: memory.title, xAxis: .time,
        xMax: run.endS, series: lines({ $0.rssBytes.map(memory.scaled) }, memoryFigure),
        markers: ReportCharts.markers(run, dot: nil), spans: ReportCharts.spans(run),
        emptyText: "no memory reading in this run"),
    ]
  }

  /// Compared runs: the CPU of every (run, source), in the run's colour with a dash per source,
  /// named "A uvicorn"; nil when no run was watched.
  static func overlay(_ runs: [ReportRun]) -> Chart? {
    guard runs.contains(where: { !$0.watchedSources.isEmpty }) else { return nil }
    let series = runs.flatMap { run in
      run.watchedSources.enumerated().map { i, name in
        line(
          legend("\(run.letter) \(name)", run.figures.watch?[name], cpuFigure), run.color,
          Chart.runDashes[i % Chart.runDashes.count], run, name, \.cpuCores)
      }
    }
    return Chart(
      id: "overlay-target-cpu", title: "Target CPU by time", yTitle: "CPU cores (CPU seconds per second)",
      xAxis: .time, xMax: runs.map(\.endS).max() ?? 0, series: series,
      markers: runs.flatMap { ReportCharts.markers($0, dot: nil, prefix: true) },
      spans: runs.flatMap { ReportCharts.spans($0, prefix: true) }, emptyText: "no CPU reading in these runs")
  }

  // MARK: Pieces

  /// One source's line: a point per second it was read, a gap (y not finite) where it was not.
  static func line(
    _ name: String, _ color: String, _ dash: String?, _ run: ReportRun, _ source: String,
    _ value: (TargetFigure) -> Double?
  ) -> Chart.Series {
    ReportCharts.series(name, color, dash, run.run.samples) { sample in
      sample.watch?[source].flatMap(value) ?? .nan
    }
  }

  /// "uvicorn · peak 1.02 cores", or "uvicorn · not read" for a source never read.
  static func legend(_ name: String, _ summary: TargetSummary?, _ figure: (TargetSummary) -> String?)
    -> String
  {
    "\(name) · " + (summary.flatMap(figure) ?? "not read")
  }

  static func cpuFigure(_ summary: TargetSummary) -> String? {
    summary.cpuCoresPeak.map { "peak \(CoresText.withUnit($0))" }
  }

  static func memoryFigure(_ summary: TargetSummary) -> String? {
    summary.rssBytesPeak.map { "peak \(ByteSize.format($0, style: .report))" }
  }

  /// Memory is drawn in MiB, or GiB once a source passes 2 GiB, so the ticks read as round
  /// numbers of the unit the legend uses (binary, as `ByteSize`).
  struct MemoryAxis {
    var unit: String
    var divisor: Double

    init(peak: Double) {
      let gib = 1024.0 * 1024 * 1024
      (unit, divisor) = peak >= 2 * gib ? ("GiB", gib) : ("MiB", 1024 * 1024)
    }

    var title: String { "resident memory (\(unit))" }

    func scaled(_ bytes: Double) -> Double { bytes / divisor }
  }
}
