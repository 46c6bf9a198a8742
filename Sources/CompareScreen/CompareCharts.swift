import Metrics
import RunStore
import TerminalUI
import Theme
import Vocabulary

/// The overlay charts of the compare screen, one line per run in its colour, on one x axis.
/// By time: TPS, latency (mean or p99), errors/s and active vusers against seconds since each run
/// started, and when any run watched its target the Target CPU lane (one line per run and source).
/// By vusers: TPS, MTT, p99 and error rate against active vusers, from each run's capacity curve
/// (points joined by straight lines). Tags and knees are marked in the run's colour, with its
/// letter beside the glyph.
struct CompareCharts: Widget {
  let model: CompareModel
  /// Wide enough for "12.5 ms" so every plot starts in the same column.
  static let axisWidth = 7

  struct Chart {
    var title: String
    /// Said once before the per-run figures in the title rule ("peak", "mean", "at 60 vusers").
    var legendLead: String
    /// A run's lines: one for most charts, one per watched source on the Target lane.
    var lines: (ComparedRun) -> [Line]
    var format: @Sendable (Double) -> String
    var minimumTop: Double
  }

  /// One line of a run: its name after the run's letter in the legend ("" for the run's only
  /// line, a source's name on the Target lane), its figure there, and its points.
  struct Line {
    var name: String
    var figure: String
    var points: [ChartPoint]
  }

  /// A chart with one line per run.
  static func perRun(
    _ title: String, lead: String, figure: @escaping (ComparedRun) -> String,
    points: @escaping (ComparedRun) -> [ChartPoint], format: @escaping @Sendable (Double) -> String,
    minimumTop: Double
  ) -> Chart {
    Chart(
      title: title, legendLead: lead, lines: { [Line(name: "", figure: figure($0), points: points($0))] },
      format: format, minimumTop: minimumTop)
  }

  func render(in area: Rect, to grid: inout Grid) {
    let byVusers = model.comparison.axis == .vusers
    let charts = byVusers ? vusersCharts() : timeCharts()
    var sections: [Rect] = []
    var y = area.y
    for height in Self.sectionHeights(area.height, charts: charts.count) {
      sections.append(Rect(x: area.x, y: y, width: area.width, height: height))
      y += height
    }
    let xRange = byVusers ? vusersRange() : timeRange()
    let markers = self.markers(byVusers: byVusers)
    let visible = model.visibleRuns
    for (n, chart) in charts.prefix(sections.count).enumerated() {
      let (top, body) = sections[n].splitTop(1)
      let lines = visible.map { (index: $0.index, run: $0.run, lines: chart.lines($0.run)) }
      var title = [Span(chart.title, style: model.style(.title))]
      if n == 0 { title += markerLegend(markers) }
      // Room for the legend after the title (TitleRule leaves out a legend that does not fit).
      let room = top.width - DisplayWidth.of(title.map(\.text).joined()) - 9
      grid.render(
        TitleRule(
          title: title, legend: legend(chart, lines, room: room), ruleStyle: model.style(.border),
          symbols: model.symbols),
        in: top)
      var axis = TimeAxis(
        xRange: xRange, yFormat: chart.format, minimumTop: chart.minimumTop, symbols: model.symbols,
        axisStyle: model.style(.border), labelStyle: model.style(.muted), markers: markers.map(\.marker),
        showMarkerRow: n == 0, showMarkerGuides: true, showTimeLabels: n == sections.count - 1,
        axisWidth: Self.axisWidth, xLabels: byVusers ? .values(unit: "vusers") : .clock)
      if n != 0 {
        axis.markers = markers.map { marker in
          var plain = marker.marker
          plain.label = nil
          return plain
        }
      }
      // A is drawn last so the baseline stays on top where lines cross.
      let series = lines.reversed().flatMap { entry in
        entry.lines.map { line in
          ChartSeries(
            name: entry.run.letter + (line.name.isEmpty ? "" : " " + line.name), points: line.points,
            style: model.runStyle(entry.index))
        }
      }
      grid.render(
        LineChart(
          series: series, dots: model.dots, axis: axis, interpolation: byVusers ? .linear : .perSecond),
        in: body)
    }
  }

  /// Rows per chart: each first gets its title and two plot rows, TPS its marker row and the
  /// bottom chart its x labels (14 for four charts, 17 for five); what is left goes 3:2:2:2(:2),
  /// so TPS grows most. With fewer rows the last charts are left out (the Target lane first, then
  /// vusers and errors: latency stays longest), rather than drawn as titles without a plot.
  static func sectionHeights(_ total: Int, charts: Int = 4) -> [Int] {
    func base(_ count: Int) -> [Int] {
      (0..<count).map { i in 3 + (i == 0 ? 1 : 0) + (i == count - 1 ? 1 : 0) }
    }
    guard charts > 0, let count = (1...charts).reversed().first(where: { base($0).reduce(0, +) <= total })
    else { return [] }
    let weights = ([3] + Array(repeating: 2, count: charts - 1)).prefix(count)
    let spare = total - base(count).reduce(0, +)
    let weightSum = weights.reduce(0, +)
    var heights = zip(base(count), weights).map { $0 + spare * $1 / weightSum }
    var remainder = total - heights.reduce(0, +)
    for i in heights.indices where remainder > 0 {
      heights[i] += 1
      remainder -= 1
    }
    return heights
  }

  // MARK: - By time

  private func timeRange() -> ClosedRange<Double> {
    let end = model.visibleRuns.compactMap { $0.run.run.samples.last.map { Double($0.t) + $0.duration } }
      .max()
    return 0...max(1, end ?? 1)
  }

  private func timeCharts() -> [Chart] {
    func series(_ value: @escaping (SecondSample) -> Double) -> (ComparedRun) -> [ChartPoint] {
      { run in run.run.samples.map { ChartPoint(x: Double($0.t), y: value($0)) } }
    }
    // A second in which nothing completed has no latency: a gap, not a zero.
    func latency(_ value: @escaping (SecondSample) -> Double) -> (ComparedRun) -> [ChartPoint] {
      { run in run.run.samples.filter { $0.completed > 0 }.map { ChartPoint(x: Double($0.t), y: value($0)) } }
    }
    let p99 = model.state.showP99
    let watched = model.comparison.runs.contains { !$0.figures.watchedSources.isEmpty }
    return [
      Self.perRun(
        "TPS", lead: "peak", figure: { CountText.format($0.figures.tpsPeak) }, points: series(\.tps),
        format: { CountText.format($0) }, minimumTop: 10),
      Self.perRun(
        p99 ? "Latency p99" : "MTT (mean)", lead: "whole run",
        figure: { LatencyText.format(p99 ? $0.figures.p99Ms : $0.figures.mttMs) },
        points: p99 ? latency(\.p99Ms) : latency(\.mttMs), format: { LatencyText.format($0) }, minimumTop: 1),
      Self.perRun(
        "Errors/s", lead: "total", figure: { CountText.format(Double($0.figures.errors)) },
        points: series { Double($0.errors) / max($0.duration, 0.001) }, format: { CountText.format($0) },
        minimumTop: 1),
      Self.perRun(
        "Active vusers", lead: "peak", figure: { "\($0.figures.vusersPeak)" },
        points: series { Double($0.vusers) }, format: { CountText.format($0) }, minimumTop: 10),
    ] + (watched ? [Self.targetCPU()] : [])
  }

  /// The Target lane: each run's watched sources' CPU in cores, one line per (run, source) in the
  /// run's colour; a second a source was not read is a gap. The legend gives each line's peak
  /// ("A uvicorn 0.98"): the runs are over, so their latest second is only where each happened to
  /// stop (often a ramp-down or a gap), while the peak is what the lane is read for (did two
  /// backends reach twice one's CPU) and matches the TPS chart's "peak" and the table's CPU peak.
  static func targetCPU() -> Chart {
    Chart(
      title: "Target CPU (cores)", legendLead: "peak",
      lines: { run in
        run.figures.watchedSources.map { name in
          Line(
            name: name, figure: run.figures.watch?[name]?.cpuCoresPeak.map { CoresText.format($0) } ?? "-",
            points: run.run.samples.compactMap { sample in
              sample.watch?[name]?.cpuCores.map { ChartPoint(x: Double(sample.t), y: $0) }
            })
        }
      }, format: { CoresText.format($0) }, minimumTop: 0.1)
  }

  /// The title rule's legend: the lead, then each line as its run's letter, its name and its
  /// figure ("A uvicorn 0.99"). When that does not fit in `room` columns, the letters and names
  /// alone; else nothing.
  private func legend(
    _ chart: Chart, _ runs: [(index: Int, run: ComparedRun, lines: [Line])], room: Int
  ) -> [Span] {
    func spans(figures: Bool) -> [Span] {
      var out: [Span] = figures ? [Span(chart.legendLead + " ", style: model.style(.muted))] : []
      for entry in runs {
        for line in entry.lines {
          if out.count > (figures ? 1 : 0) { out.append(Span("  ")) }
          out.append(Span(entry.run.letter, style: model.runStyle(entry.index).adding(.bold)))
          let text = [line.name, figures ? line.figure : ""].filter { !$0.isEmpty }.joined(separator: " ")
          if !text.isEmpty { out.append(Span(" " + text, style: model.runStyle(entry.index))) }
        }
      }
      return out
    }
    let full = spans(figures: true)
    if DisplayWidth.of(full.map(\.text).joined()) <= room { return full }
    return runs.contains { $0.lines.count > 1 } ? spans(figures: false) : full
  }

  // MARK: - By vusers

  private func vusersRange() -> ClosedRange<Double> {
    let end = model.visibleRuns.compactMap { $0.run.curve.last?.vusers }.max()
    return 0...max(1, (end ?? 1).rounded(.up))
  }

  private func vusersCharts() -> [Chart] {
    let at = model.comparison.commonVusers
    func curve(_ value: @escaping (CapacityPoint) -> Double) -> (ComparedRun) -> [ChartPoint] {
      { run in run.curve.map { ChartPoint(x: $0.vusers, y: value($0)) } }
    }
    // Figures at the load every run reached, as the delta table reads them; else at each end.
    func figure(_ value: @escaping (CapacityPoint) -> Double, _ text: @escaping (Double) -> String)
      -> (ComparedRun) -> String
    {
      { run in
        let v =
          at.flatMap { CapacityCurve.value(at: Double($0), in: run.curve, value) }
          ?? run.curve.last.map(value)
        return v.map(text) ?? "-"
      }
    }
    let lead = at.map { "at \($0) vusers" } ?? "at the end"
    let percent: @Sendable (Double) -> String = { NumberText.trimmed($0, decimals: $0 < 10 ? 1 : 0) + "%" }
    return [
      Self.perRun(
        "TPS by vusers", lead: lead, figure: figure(\.tps) { CountText.format($0) }, points: curve(\.tps),
        format: { CountText.format($0) }, minimumTop: 10),
      Self.perRun(
        "MTT (mean)", lead: lead, figure: figure(\.mttMs) { LatencyText.format($0) }, points: curve(\.mttMs),
        format: { LatencyText.format($0) }, minimumTop: 1),
      Self.perRun(
        "p99", lead: lead, figure: figure(\.p99Ms) { LatencyText.format($0) }, points: curve(\.p99Ms),
        format: { LatencyText.format($0) }, minimumTop: 1),
      Self.perRun(
        "Error rate", lead: lead, figure: figure({ $0.errorRate * 100 }, percent),
        points: curve { $0.errorRate * 100 }, format: percent, minimumTop: 1),
    ]
  }

  // MARK: - Markers

  private struct Marker {
    var marker: ChartMarker
    var kind: String
  }

  /// Each visible run's tags and knee, in its colour with its letter. By time, the knee sits at
  /// the second the run first held the knee's vusers; by vusers, at those vusers.
  private func markers(byVusers: Bool) -> [Marker] {
    let unicode = model.symbols == .unicode
    let (tagGlyph, kneeGlyph): (Character, Character) = unicode ? ("▲", "★") : ("^", "K")
    var out: [Marker] = []
    // The same kind of marker at the same place in several runs is one marker naming them all.
    func add(x: Double, glyph: Character, kind: String, letter: String, style: Style) {
      if let same = out.firstIndex(where: { $0.kind == kind && $0.marker.x == x }) {
        out[same].marker.label = (out[same].marker.label ?? "") + letter
      } else {
        out.append(Marker(marker: ChartMarker(x: x, glyph: glyph, style: style, label: letter), kind: kind))
      }
    }
    for (index, run) in model.visibleRuns {
      let style = model.runStyle(index).adding(.bold)
      let samples = run.run.samples
      for tag in run.figures.tags {
        let x: Double
        if byVusers {
          guard let sample = samples.last(where: { Double($0.t) <= tag.elapsedS }) ?? samples.first else {
            continue
          }
          x = Double(sample.vusers)
        } else {
          x = tag.elapsedS
        }
        add(x: x, glyph: tagGlyph, kind: "tag", letter: run.letter, style: style)
      }
      if let knee = run.figures.knee {
        let x =
          byVusers
          ? Double(knee.vusers)
          : Double(samples.first(where: { $0.vusers >= knee.vusers })?.t ?? knee.second)
        add(x: x, glyph: kneeGlyph, kind: "knee", letter: run.letter, style: style)
      }
    }
    return out
  }

  /// "▲ tag  ★ knee" after the first chart's title, for the kinds on screen.
  private func markerLegend(_ markers: [Marker]) -> [Span] {
    var spans: [Span] = []
    for kind in ["tag", "knee"] {
      guard let marker = markers.first(where: { $0.kind == kind }) else { continue }
      spans.append(Span("  " + String(marker.marker.glyph), style: model.style(.text)))
      spans.append(Span(" " + kind, style: model.style(.muted)))
    }
    return spans
  }
}
