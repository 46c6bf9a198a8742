import Metrics
import TerminalUI
import Theme
import Vocabulary

/// The numbers beside the charts: totals, latency percentiles, errors by kind, status codes and
/// connections. Sections are dropped from the bottom when the panel is short.
struct StatsPanel: Widget {
  let model: DashboardModel

  typealias Row = (label: String, value: String, role: ThemeRole)

  func render(in area: Rect, to grid: inout Grid) {
    var y = area.y
    var all = sections().map { Section(title: [Span($0.0, style: model.style(.title))], rows: $0.1) }
    if model.loadModel == .open { all = withOpenModelSections(all) }
    // Thresholds follow the latency figures most of them are about, high enough to stay on a
    // short panel.
    if let thresholds = thresholdSection() {
      let latency = all.firstIndex { $0.title.first?.text == "Latency" } ?? 1
      all.insert(thresholds, at: min(latency + 1, all.count))
    }
    all = withSearchSection(all, width: area.width - 1)
    for section in all {
      guard y + 1 < area.maxY else { return }
      grid.render(
        TitleRule(title: section.title, ruleStyle: model.style(.border), symbols: model.symbols),
        in: Rect(x: area.x, y: y, width: area.width, height: 1))
      y += 1
      if let checks = section.checks {
        for check in checks {
          guard y < area.maxY else { return }
          renderCheck(check, in: Rect(x: area.x + 1, y: y, width: area.width - 1, height: 1), to: &grid)
          y += 1
        }
        continue
      }
      if let views = section.latencyViews {
        let inner = Rect(x: area.x + 1, y: y, width: area.width - 1, height: max(0, area.maxY - y))
        grid.render(latencyViewsTable(views, width: inner.width), in: inner)
        y += min(views.count + 1, inner.height)
        continue
      }
      for row in section.rows {
        guard y < area.maxY else { return }
        let inner = Rect(x: area.x + 1, y: y, width: area.width - 1, height: 1)
        var labelWidth = max(0, inner.width - 13)
        if section.fitLabels {
          let (label, value) = (DisplayWidth.of(row.label), DisplayWidth.of(row.value))
          labelWidth = max(labelWidth, min(label, inner.width - value - 1))
          // A value longer than its column takes the room a short label leaves.
          if value > inner.width - labelWidth { labelWidth = max(label + 1, inner.width - value) }
        }
        // A label longer than its column is cut one cell short, so a space always parts it from
        // its value (a long watched source beside "1.64 26.7 MiB" at 80 columns).
        let label =
          DisplayWidth.of(row.label) > labelWidth && labelWidth > 1
          ? DisplayWidth.truncate(row.label, to: labelWidth - 1, symbols: model.symbols) : row.label
        grid.render(
          Table(
            columns: [.init(width: labelWidth), .init(width: inner.width - labelWidth, alignment: .right)],
            rows: [
              [Span(label, style: model.style(.muted)), Span(row.value, style: model.style(row.role))]
            ],
            spacing: 0),
          in: inner)
        y += 1
      }
    }
  }

  struct Section {
    var title: [Span]
    var rows: [Row] = []
    /// Threshold rows, drawn with their glyph instead of as label and value.
    var checks: [ThresholdResult]?
    /// Open model: latency in its two views, a column each, instead of rows.
    var latencyViews: [LatencyViewsRow]?
    /// A label longer than its column ("client-limited") takes the room its value leaves, and a
    /// value longer than its column ("812 / 1,200 needed") the room its label leaves.
    var fitLabels = false
  }

  /// "Thresholds", with the count failing in the title (glyph and word, never colour alone).
  private func thresholdSection() -> Section? {
    let results = model.metrics.thresholds
    guard !results.isEmpty else { return nil }
    let failing = results.filter { !$0.ok }.count
    var title = [Span("Thresholds", style: model.style(.title))]
    if failing > 0 {
      title.append(
        Span(
          " \(ThresholdGlyph.fail(model.symbols)) \(failing) failing", style: model.style(.bad).adding(.bold))
      )
    } else {
      title.append(Span(" \(ThresholdGlyph.pass(model.symbols)) all pass", style: model.style(.good)))
    }
    return Section(title: title, checks: results)
  }

  /// `✓ p95<300ms        4.21 ms`: the glyph and the observed value in the pass/fail role, the
  /// expression cut (with an ellipsis) when the panel is narrow.
  private func renderCheck(_ check: ThresholdResult, in area: Rect, to grid: inout Grid) {
    let role: ThemeRole = check.ok ? .good : .bad
    let glyph = check.ok ? ThresholdGlyph.pass(model.symbols) : ThresholdGlyph.fail(model.symbols)
    let value = Self.observedText(check)
    let valueWidth = DisplayWidth.of(value)
    var x = area.x
    x += grid.write(
      glyph + " ", x: x, y: area.y, style: model.style(role).adding(.bold), maxWidth: area.maxX - x)
    let room = max(0, area.maxX - x - valueWidth - 1)
    grid.write(DisplayWidth.truncate(check.expr, to: room), x: x, y: area.y, style: model.style(.text))
    if valueWidth < area.maxX - x {
      grid.write(value, x: area.maxX - valueWidth, y: area.y, style: model.style(role))
    }
  }

  /// The observed figure in the units the rest of the panel uses.
  static func observedText(_ check: ThresholdResult) -> String {
    check.unit.text(check.observed, style: .screen)
  }

  private func sections() -> [(String, [Row])] {
    let totals = model.metrics.totals
    let percentiles = model.metrics.percentiles
    let samples = model.metrics.samples
    let last = samples.last
    let completed = totals.completed
    let errors = totals.errorCount
    // The seconds the rows cover: the engine's clock goes on after the run ends, the rows do not.
    let covered = max(samples.reduce(0) { $0 + $1.duration }, 0.001)
    let whole = samples.filter(\.isWhole)
    let peak = whole.map(\.tps).max() ?? 0
    let errorShare = completed > 0 ? " " + PercentText.format(Double(errors) / Double(completed)) : ""
    var out: [(String, [Row])] = [
      (
        "Totals",
        [
          ("requests", CountText.grouped(completed), .text),
          ("errors", CountText.grouped(errors) + errorShare, errors > 0 ? .bad : .good),
          ("TPS now", CountText.format(whole.last?.tps ?? 0), .tps),
          ("TPS peak", CountText.format(peak), .tps),
          ("TPS mean", CountText.format(Double(completed) / covered), .tps),
        ]
      ),
      (
        "Latency",
        [
          ("MTT (mean)", LatencyText.format(totals.mttMs), .latency),
          ("p50", LatencyText.format(percentiles.p50Ms), .text),
          ("p90", LatencyText.format(percentiles.p90Ms), .text),
          ("p95", LatencyText.format(percentiles.p95Ms), .p95),
          ("p99", LatencyText.format(percentiles.p99Ms), .p99),
          (
            "max",
            LatencyText.format(totals.histogram.totalCount > 0 ? Double(totals.latencyMaxMicros) / 1000 : 0),
            .text
          ),
        ]
      ),
    ]
    let watched = WatchPalette.sources(names: model.metrics.watchedSources, samples: samples)
    if let knee = model.metrics.knee {
      out.append(
        (
          "Knee",
          // In the open model the knee is an offered rate; its vusers the concurrency there.
          (knee.rate.map { [("offered", RateText.setting($0.rounded()), .knee)] } ?? []) + [
            ("vusers", "\(knee.vusers)", .knee),
            ("TPS", CountText.format(knee.tps), .knee),
            ("MTT", LatencyText.format(knee.mttMs), .knee),
            ("confidence", knee.confidenceText, .text),
          ] + saturationRows(watched)
        ))
    } else if samples.count >= 10 && model.metrics.search == nil {
      // A capacity search's steps answer its question instead: the knee is not looked for.
      out.append(("Knee", Self.kneeVerdictRows(model.metrics.kneeJudgement) + saturationRows(watched)))
    }
    if let watch = last?.watch {
      out.append(("Target", Self.targetRows(watch, sources: watched)))
    }
    let kinds = ErrorKind.allCases.filter { totals.errors($0) > 0 }.sorted {
      totals.errors($0) > totals.errors($1)
    }
    if !kinds.isEmpty {
      out.append(("Errors", kinds.map { ($0.rawValue, CountText.grouped(totals.errors($0)), $0.role) }))
    }
    if model.logs != nil {
      let roles = Dictionary(
        uniqueKeysWithValues: LogErrorPalette.classes(totals.logErrors).map { ($0.name, $0.role) })
      let classes = totals.logErrors.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      out.append(
        (
          "Log errors",
          classes.isEmpty
            ? [("none yet", "0", .good)]
            : classes.prefix(6).map { ($0.key, CountText.grouped($0.value), roles[$0.key] ?? .logError) }
        ))
    }
    let codes = totals.statusCodes.sorted { $0.key < $1.key }
    if !codes.isEmpty {
      out.append(
        (
          "Status",
          codes.map { code, count in
            (
              String(code), CountText.grouped(count),
              code >= 500 ? .error5xx : code >= 400 ? .error4xx : .text
            )
          }
        ))
    }
    let connections = last?.connections ?? 0
    let nearLimit = connections + 64 >= model.info.fileLimit
    out.append(
      (
        "Connections",
        [
          ("vusers", "\(last?.vusers ?? 0)/\(model.status.targetVusers)", .vusers),
          (
            "open/limit",
            "\(CountText.format(Double(connections)))/\(CountText.format(Double(model.info.fileLimit)))",
            nearLimit ? .warning : .text
          ),
          ("in/s", ByteSize.format(Double(last?.bytesIn ?? 0)), .text),
          ("out/s", ByteSize.format(Double(last?.bytesOut ?? 0)), .text),
        ]
      ))
    return out
  }

  /// The Knee section while no knee is claimed: why not, so far, and the level that bounds it.
  static func kneeVerdictRows(_ judgement: KneeJudgement?) -> [Row] {
    let level =
      judgement?.level.map { level in
        judgement?.isRate == true ? RateText.setting(level.rounded()) : "\(Int(level.rounded())) vusers"
      } ?? ""
    switch judgement?.verdict {
    // Labels short enough for the panel at 80 columns (13 characters).
    case .saturatedFromStart?: return [("saturated", "from start", .warning), ("at most", level, .warning)]
    case .notReached?: return [("none up to", level, .muted)]
    case .tooShort?: return [("too few steps", "", .muted)]
    case .found?, nil: return [("not found yet", "", .muted)]
    }
  }

  /// The Target section: each watched source's latest CPU (cores) and memory, `-` for a figure
  /// not read in the last second.
  static func targetRows(_ watch: [String: TargetFigure], sources: [WatchedSource]) -> [Row] {
    sources.map { source in
      guard let figure = watch[source.name] else { return (source.label, "not read", .muted) }
      let cpu = figure.cpuCores.map(CoresText.format) ?? "-"
      let rss = figure.rssBytes.map { ByteSize.format($0) } ?? "-"
      return (source.label, "\(cpu) \(rss)", source.role)
    }
  }

  /// Under the knee, each watched source whose CPU sat flat from it on ("uvicorn flat" "0.40 @
  /// 0:35", short enough for the panel at 80 columns, in the source's colour): which server ran
  /// out, where the throughput did.
  private func saturationRows(_ watched: [WatchedSource]) -> [Row] {
    guard !watched.isEmpty else { return [] }
    let notes =
      SaturationNote.atKnee(
        model.metrics.samples, knee: model.metrics.knee, judgement: model.metrics.kneeJudgement) ?? []
    let sources = Dictionary(watched.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return notes.map { note in
      (
        "\(sources[note.source]?.label ?? note.source) flat",
        "\(CoresText.format(note.cpuCores)) @ \(ClockText.format(Double(note.fromSecond)))",
        sources[note.source]?.role ?? .text
      )
    }
  }
}
