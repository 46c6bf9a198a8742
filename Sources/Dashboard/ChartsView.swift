import Metrics
import TerminalUI
import Theme
import Vocabulary

/// The four charts on one time axis: TPS (with the marker row), latency (mean, p95, p99), errors
/// per second stacked by kind, and vusers (active and target); with watched sources, the Target
/// lanes under them; the bottom one has the time labels. An
/// open-model run adds the offered rate to TPS and, where there is room, the uncorrected p99 to
/// latency (`OpenModelCharts`).
struct ChartsView: Widget {
  let model: DashboardModel
  /// Wide enough for "12.5 ms" so every plot starts in the same column.
  static let axisWidth = 7

  func render(in area: Rect, to grid: inout Grid) {
    let samples = model.metrics.samples
    let xRange = model.state.viewport.range(
      elapsed: model.status.elapsed, plannedDuration: model.info.plannedDuration)
    let (markers, spans) = markersAndSpans()
    // With log sources, a lane of log errors per second sits right under TPS, so a bend in TPS
    // and the errors that explain it line up.
    let hasLogs = model.logs != nil
    let open = model.loadModel == .open
    // With watched sources, the Target lanes go under vusers (`TargetLane`): CPU always, memory
    // where the screen is tall enough.
    let watched = WatchPalette.sources(names: model.metrics.watchedSources, samples: samples)
    let hasTarget = !watched.isEmpty
    let hasMemory = hasTarget && area.height >= Self.memoryLaneMinimumHeight
    let sections = Layout.split(
      area, .vertical,
      [.fill(3)] + (hasLogs ? [.fill(2)] : []) + [.fill(3), .fill(2), .fill(2)]
        + (hasTarget ? [.fill(2)] : [])
        + (hasMemory ? [.fill(2)] : []))
    let firstLoad = hasLogs ? 2 : 1
    let (tpsSection, latencySection, errorSection, vusersSection) =
      (sections[0], sections[firstLoad], sections[firstLoad + 1], sections[firstLoad + 2])
    let rule = model.style(.border)
    let label = model.style(.muted)
    let last = samples.last

    // One time axis for all four charts; only the TPS chart has the marker row and only the
    // bottom one the time labels.
    func axis(
      format: @escaping @Sendable (Double) -> String = { CountText.format($0) }, minimumTop: Double = 1,
      _ adjust: (inout TimeAxis) -> Void = { _ in }
    ) -> TimeAxis {
      var axis = TimeAxis(
        xRange: xRange, yFormat: format, minimumTop: minimumTop, symbols: model.symbols, axisStyle: rule,
        labelStyle: label, markers: markers, spans: spans, showMarkerGuides: true, showTimeLabels: false,
        axisWidth: Self.axisWidth)
      adjust(&axis)
      return axis
    }
    func points(_ value: (SecondSample) -> Double) -> [ChartPoint] {
      samples.map { ChartPoint(x: Double($0.t), y: value($0)) }
    }
    // Rates come from whole seconds only: the run's last, partial second would be extrapolated.
    let whole = samples.filter(\.isWhole)
    func ratePoints(_ value: (SecondSample) -> Double) -> [ChartPoint] {
      whole.map { ChartPoint(x: Double($0.t), y: value($0)) }
    }
    let lastWhole = whole.last
    // A second in which nothing completed (paused, stalled) has no latency: a gap, not a zero.
    let measured = samples.filter { $0.completed > 0 }
    func latencyPoints(_ value: (SecondSample) -> Double) -> [ChartPoint] {
      measured.map { ChartPoint(x: Double($0.t), y: value($0)) }
    }
    let lastMeasured = measured.last
    func legend(_ items: [(String, ThemeRole)]) -> [Span] {
      var spans: [Span] = []
      for (i, item) in items.enumerated() {
        if i > 0 { spans.append(Span("  ")) }
        spans.append(Span(item.0, style: model.style(item.1)))
      }
      return spans
    }
    // `extra` follows the title when the rule has room for it beside the legend.
    var extraShown = false
    func titled(
      _ rect: Rect, _ title: String, _ role: ThemeRole, _ items: [(String, ThemeRole)], extra: [Span] = []
    ) -> Rect {
      let (top, body) = rect.splitTop(1)
      var titleSpans = [Span(title, style: model.style(role).adding(.bold))]
      let items = legend(items)
      func width(_ spans: [Span]) -> Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }
      extraShown = !extra.isEmpty && width(titleSpans) + width(extra) + width(items) + 12 <= rect.width
      if extraShown { titleSpans += [Span("  ")] + extra }
      grid.render(
        TitleRule(title: titleSpans, legend: items, ruleStyle: rule, symbols: model.symbols), in: top)
      return body
    }

    let peak = whole.map(\.tps).max() ?? 0
    // TPS counts every completed request, errors included (as k6 and Locust do); the ok line
    // under it shows how much of it succeeded, so fast 503s cannot pass for capacity.
    let tps =
      open
      ? openModelTPS(whole)
      : ChartLines(
        legend: [
          ("now \(CountText.format(lastWhole?.tps ?? 0))", .tps),
          ("ok \(CountText.format(Double(lastWhole?.ok ?? 0)))", .good),
          ("peak \(CountText.format(peak))", .text),
        ],
        series: [
          ChartSeries(name: "ok", points: ratePoints { Double($0.ok) }, style: model.style(.good)),
          ChartSeries(name: "tps", points: ratePoints(\.tps), style: model.style(.tps)),
        ])
    let tpsArea = titled(tpsSection, "TPS", .tps, tps.legend, extra: markerLegend())
    grid.render(
      LineChart(series: tps.series, dots: model.dots, axis: axis(minimumTop: 10) { $0.showMarkerRow = true }),
      in: tpsArea)
    if let search = model.metrics.search, tpsArea.width >= 8, tpsArea.height >= 2 {
      drawSearchBand(
        search.steps, row: tpsArea.maxY - 1, plotX: tpsArea.x + Self.axisWidth + 1,
        plotWidth: tpsArea.width - Self.axisWidth - 1, xRange: xRange, in: &grid)
    }
    if !extraShown {
      drawMarkerLegend(
        row: tpsArea.maxY - 1, from: tpsArea.x + Self.axisWidth + 2, to: tpsArea.maxX, in: &grid)
    }

    if hasLogs {
      let classes = LogErrorPalette.classes(model.metrics.totals.logErrors)
      let lastLogged = samples.last { $0.logErrors != nil }
      let laneLegend: [(String, ThemeRole)] =
        classes.isEmpty
        ? [("none", .good)]
        : classes.map {
          ("\($0.name) \(CountText.format(Double(lastLogged?.logErrors($0.name) ?? 0)))", $0.role)
        }
      let laneArea = titled(sections[1], "Log errors/s", .logError, laneLegend)
      grid.render(
        StackedBarChart(
          layers: classes.map { entry in
            ChartSeries(
              name: entry.name, points: points { Double($0.logErrors(entry.name)) / max($0.duration, 0.001) },
              style: model.style(entry.role))
          }, axis: axis()),
        in: laneArea)
    }

    var latency = ChartLines(
      legend: [
        ("mean \(LatencyText.format(lastMeasured?.mttMs ?? 0))", .latency),
        ("p95 \(LatencyText.format(lastMeasured?.p95Ms ?? 0))", .p95),
        ("p99 \(LatencyText.format(lastMeasured?.p99Ms ?? 0))", .p99),
      ],
      series: [
        ChartSeries(name: "p99", points: latencyPoints(\.p99Ms), style: model.style(.p99)),
        ChartSeries(name: "p95", points: latencyPoints(\.p95Ms), style: model.style(.p95)),
        ChartSeries(name: "mean", points: latencyPoints(\.mttMs), style: model.style(.latency)),
      ])
    if open { latency = withUncorrectedP99(latency, measured: measured, width: latencySection.width) }
    let latencyArea = titled(latencySection, "Latency", .latency, latency.legend)
    grid.render(
      LineChart(series: latency.series, dots: model.dots, axis: axis(format: { LatencyText.format($0) })),
      in: latencyArea)

    let kinds = ErrorKind.allCases.filter { model.metrics.totals.errors($0) > 0 }
    let errorLegend: [(String, ThemeRole)] =
      kinds.isEmpty
      ? [("none", .good)]
      : kinds.map { kind in
        ("\(kind.rawValue) \(CountText.format(Double(last?.errors(kind) ?? 0)))", kind.role)
      }
    let errorArea = titled(errorSection, "Errors/s", .bad, errorLegend)
    grid.render(
      StackedBarChart(
        layers: kinds.map { kind in
          ChartSeries(
            name: kind.rawValue, points: points { Double($0.errors(kind)) / max($0.duration, 0.001) },
            style: model.style(kind.role))
        }, axis: axis()),
      in: errorArea)

    // In the open model the vusers are a pool that arrivals draw on, up to its cap.
    let (active, target) = open ? ("in use", "pool cap") : ("active", "target")
    let vusersArea = titled(
      vusersSection, "Vusers", .vusers,
      [
        ("\(active) \(last?.vusers ?? 0)", .vusers),
        ("\(target) \(model.status.targetVusers)", .targetVusers),
      ])
    // A pool cap far above what the arrivals use (a search's cap is sized for --max-rate) would
    // flatten the in-use line against the floor: then the title names the cap and the chart
    // scales to the vusers in use.
    let peakInUse = model.metrics.samples.map(\.vusers).max() ?? 0
    let drawsTarget = !open || model.status.targetVusers <= 4 * max(peakInUse, 10)
    let targetSeries = ChartSeries(
      name: target, points: points { Double($0.targetVusers) }, style: model.style(.targetVusers))
    grid.render(
      LineChart(
        series: (drawsTarget ? [targetSeries] : []) + [
          ChartSeries(name: active, points: points { Double($0.vusers) }, style: model.style(.vusers))
        ], dots: model.dots, axis: axis(minimumTop: 10) { $0.showTimeLabels = !hasTarget }),
      in: vusersArea)

    guard hasTarget else { return }
    let cpuSection = sections[firstLoad + 3]
    let cpu = targetCPULines(watched, width: cpuSection.width)
    grid.render(
      LineChart(
        series: cpu.series, dots: model.dots,
        axis: axis(format: { CoresText.format($0) }, minimumTop: 0.5) { $0.showTimeLabels = !hasMemory }),
      in: titled(cpuSection, Self.targetCPUTitle, .text, cpu.legend))
    guard hasMemory else { return }
    let memorySection = sections[firstLoad + 4]
    let (memory, unit) = targetMemoryLines(watched, width: memorySection.width)
    grid.render(
      LineChart(
        series: memory.series, dots: model.dots,
        axis: axis(format: { ByteSize.format($0 * unit) }, minimumTop: 0.5) { $0.showTimeLabels = true }),
      in: titled(memorySection, Self.targetMemoryTitle, .text, memory.legend))
  }

  /// The events marked on the charts. In a `rampart find` run the search moves the rate at every
  /// step and the band of judged steps shows those steps, so rate changes get no marker there.
  private var markedEvents: [RunEvent] {
    guard model.metrics.search != nil else { return model.metrics.events }
    return model.metrics.events.filter { $0.kind != .setRate }
  }

  /// Which glyph means what, for the kinds of marker on the charts, in order of appearance, then
  /// the verdicts of a capacity search's band.
  private func markerKinds() -> [(glyph: Character, role: ThemeRole, name: String)] {
    var seen: [(glyph: Character, role: ThemeRole, name: String)] = []
    for event in markedEvents {
      // A rate change shares the ramp's glyph under its own name.
      let name = MarkerGlyph.name(event.kind)
      guard let (glyph, role) = MarkerGlyph.of(event.kind, model.symbols),
        !seen.contains(where: { $0.glyph == glyph && $0.name == name })
      else { continue }
      seen.append((glyph, role, name))
    }
    return seen + searchBandLegend(model.metrics.search?.steps ?? [])
  }

  private func markerLegend() -> [Span] {
    var spans: [Span] = []
    for (i, kind) in markerKinds().enumerated() {
      if i > 0 { spans.append(Span("  ")) }
      spans.append(Span(String(kind.glyph), style: model.style(kind.role)))
      spans.append(Span(" " + kind.name, style: model.style(.muted)))
    }
    return spans
  }

  /// The legend on the marker row instead, when the title rule has no room for it: in the
  /// rightmost stretch of empty cells that holds it with a space either side (markers win).
  private func drawMarkerLegend(row: Int, from left: Int, to right: Int, in grid: inout Grid) {
    let spans = markerLegend()
    guard !spans.isEmpty else { return }
    let width = spans.reduce(0) { $0 + DisplayWidth.of($1.text) }
    func isFree(_ x: Int) -> Bool { grid[x, row].symbol == " " }
    guard
      var x = stride(from: right - width - 1, through: left + 1, by: -1).first(where: { start in
        (start - 1...start + width).allSatisfy(isFree)
      })
    else { return }
    for span in spans { x += grid.write(span.text, x: x, y: row, style: span.style) }
  }

  /// Event markers, and the paused spans (an open pause runs to now).
  private func markersAndSpans() -> ([ChartMarker], [ChartSpan]) {
    var markers: [ChartMarker] = []
    var spans: [ChartSpan] = []
    var pausedAt: Double?
    let shade = Style(background: model.style(.paused).foreground)
    for event in markedEvents {
      if let (glyph, role) = MarkerGlyph.of(event.kind, model.symbols) {
        markers.append(ChartMarker(x: event.elapsed, glyph: glyph, style: model.style(role)))
      }
      switch event.kind {
      case .pause: pausedAt = pausedAt ?? event.elapsed
      case .resume:
        if let from = pausedAt { spans.append(ChartSpan(from: from, to: event.elapsed, style: shade)) }
        pausedAt = nil
      default: break
      }
    }
    if let from = pausedAt {
      spans.append(ChartSpan(from: from, to: model.status.elapsed, style: shade))
    }
    return (markers, spans)
  }
}
