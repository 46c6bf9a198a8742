import Foundation
import Metrics
import RunStore
import Vocabulary

/// The charts of a report, built from runs: one run over time, runs overlaid by time, and
/// capacity curves against vusers.
enum ReportCharts {
  /// Colours of the single-run charts and of error kinds / log classes (Okabe-Ito, as the runs).
  static let primary = "#0072B2"
  static let p95 = "#E69F00"
  static let p99 = "#D55E00"
  static let vusers = "#009E73"
  static let kinds = ["#D55E00", "#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9", "#F0E442", "#999999"]
  /// More points than this are averaged into buckets (an hour-long run stays a small file).
  static let maxPoints = 1200

  // MARK: One run over time

  static func detail(_ run: ReportRun) -> [Chart] {
    let samples = run.run.samples
    let xMax = run.endS
    let open = run.figures.model == .open
    // Open model: what was offered beside what was achieved, and p99 from the send beside the
    // corrected one. Rates from whole seconds only (the last, partial one would be extrapolated).
    let whole = samples.filter(\.isWhole)
    let offered = open ? [series("offered", vusers, "6 3", whole) { $0.offeredRate ?? 0 }] : []
    let uncorrectedP99 =
      open ? [series("p99 from the send", kinds[3], "1 3", samples) { $0.uncorrected?.p99Ms ?? 0 }] : []
    var charts = [
      Chart(
        id: "chart-tps", title: open ? "Throughput (TPS) and offered rate" : "Throughput (TPS)",
        yTitle: "requests per second", xAxis: .time, xMax: xMax,
        series: [series("TPS", primary, nil, whole, \.tps)] + offered,
        markers: markers(run, dot: { knee in knee.tps }), spans: spans(run), bands: searchBands(run)),
      Chart(
        id: "chart-latency",
        title: open
          ? "Response time from the intended start: mean (MTT), p95, p99; p99 from the send"
          : "Response time: mean (MTT), p95, p99", yTitle: "milliseconds (ms)",
        xAxis: .time, xMax: xMax,
        series: [
          series("MTT (mean)", primary, nil, samples, \.mttMs),
          series("p95", p95, "9 5", samples, \.p95Ms),
          series("p99", p99, "2 4", samples, \.p99Ms),
        ] + uncorrectedP99, markers: markers(run, dot: { knee in knee.mttMs }), spans: spans(run)),
      errorsChart(run),
      Chart(
        id: "chart-vusers", title: "Active virtual users", yTitle: "vusers", xAxis: .time, xMax: xMax,
        series: [series("active vusers", vusers, nil, samples) { Double($0.vusers) }],
        markers: markers(run, dot: { knee in Double(knee.vusers) }), spans: spans(run),
        levels: run.figures.knee.map {
          [Chart.Level(y: Double($0.vusers), label: "knee: \($0.vusers) vusers")]
        } ?? []),
    ]
    charts += ReportTargetCharts.detail(run)
    if run.hasLogErrors {
      let classes = Set(samples.flatMap { ($0.logErrors ?? [:]).keys }).union(
        (run.figures.logErrors ?? [:]).keys
      )
      .sorted()
      charts.append(
        Chart(
          id: "chart-log-errors", title: "Server log errors by class", yTitle: "log errors per second",
          xAxis: .time, xMax: xMax,
          series: classes.enumerated().map { i, name in
            series(name, kinds[i % kinds.count], nil, samples) { Double($0.logErrors(name)) }
          }, stacked: true, markers: markers(run, dot: nil), spans: spans(run),
          emptyText: "no log errors in this run"))
    }
    return charts
  }

  static func errorsChart(_ run: ReportRun) -> Chart {
    let samples = run.run.samples
    let byCount = Dictionary(
      samples.flatMap { $0.errorsByKind.map { ($0.key, $0.value) } }, uniquingKeysWith: +)
    let kindsSeen = byCount.keys.sorted { (byCount[$0]!, $1) > (byCount[$1]!, $0) }
    return Chart(
      id: "chart-errors", title: "Errors by kind", yTitle: "errors per second", xAxis: .time, xMax: run.endS,
      series: kindsSeen.enumerated().map { i, kind in
        series(kind, kinds[i % kinds.count], nil, samples) { sample in
          sample.duration > 0 ? Double(sample.errorsByKind[kind] ?? 0) / sample.duration : 0
        }
      }, stacked: true, markers: markers(run, dot: nil), spans: spans(run), emptyText: "no errors in this run"
    )
  }

  // MARK: Runs overlaid

  static func overlays(_ runs: [ReportRun]) -> [Chart] {
    let xMax = runs.map(\.endS).max() ?? 0
    func overlay(
      _ id: String, _ title: String, _ yTitle: String, dot: ((Knee) -> Double)?,
      _ value: @escaping (SecondSample) -> Double
    ) -> Chart {
      Chart(
        id: id, title: title, yTitle: yTitle, xAxis: .time, xMax: xMax,
        series: runs.map { series($0.label, $0.color, $0.dash, $0.run.samples, value) },
        markers: runs.flatMap { markers($0, dot: dot, prefix: true) },
        spans: runs.flatMap { spans($0, prefix: true) })
    }
    let target = ReportTargetCharts.overlay(runs).map { [$0] } ?? []
    return [
      overlay("overlay-tps", "Throughput by time", "requests per second", dot: { $0.tps }) { $0.tps },
      overlay("overlay-mtt", "Mean response time (MTT) by time", "milliseconds (ms)", dot: { $0.mttMs }) {
        $0.mttMs
      },
      overlay("overlay-p99", "p99 response time by time", "milliseconds (ms)", dot: nil) { $0.p99Ms },
      overlay("overlay-errors", "Errors by time", "errors per second", dot: nil) { sample in
        sample.duration > 0 ? Double(sample.errors) / sample.duration : 0
      },
      overlay("overlay-vusers", "Active vusers by time", "vusers", dot: { Double($0.vusers) }) {
        Double($0.vusers)
      },
    ] + target
  }

  // MARK: Capacity curves

  static func capacity(_ runs: [ReportRun]) -> [Chart] {
    let xMax = runs.flatMap { $0.curve.map(\.vusers) + [Double($0.figures.knee?.vusers ?? 0)] }.max() ?? 0
    func curve(_ id: String, _ title: String, _ yTitle: String, _ metric: @escaping (CapacityPoint) -> Double)
      -> Chart
    {
      Chart(
        id: id, title: title, yTitle: yTitle, xAxis: .vusers, xMax: xMax,
        series: runs.map { run in
          Chart.Series(
            name: run.label, color: run.color, dash: run.dash,
            points: run.curve.map { Chart.Point(x: $0.vusers, y: metric($0)) }, dots: true)
        },
        markers: runs.flatMap { run in
          var out: [Chart.Marker] = []
          if let knee = run.figures.knee, let text = run.kneeText {
            let y = CapacityCurve.value(at: Double(knee.vusers), in: run.curve, metric)
            out.append(
              Chart.Marker(
                kind: .knee, x: Double(knee.vusers), label: "\(run.letter): \(text)", color: run.color,
                dot: y.map { Chart.Point(x: Double(knee.vusers), y: $0) }))
          }
          for tag in run.figures.tags {
            guard let at = run.vusers(at: tag.elapsedS) else { continue }
            out.append(
              Chart.Marker(
                kind: .tag, x: Double(at), label: "\(run.letter): \(tagText(tag))", color: run.color))
          }
          return out
        })
    }
    return [
      curve("capacity-tps", "Throughput against vusers", "requests per second") { $0.tps },
      curve("capacity-mtt", "Mean response time (MTT) against vusers", "milliseconds (ms)") { $0.mttMs },
      curve("capacity-p99", "p99 response time against vusers", "milliseconds (ms)") { $0.p99Ms },
    ]
  }

  // MARK: Pieces

  static func series(
    _ name: String, _ color: String, _ dash: String?, _ samples: [SecondSample],
    _ value: (SecondSample) -> Double
  ) -> Chart.Series {
    let points = samples.map { Chart.Point(x: Double($0.t) + $0.duration / 2, y: value($0)) }
    return Chart.Series(name: name, color: color, dash: dash, points: downsample(points))
  }

  /// Averages consecutive points into at most `maxPoints` (same buckets for every series of the
  /// same samples, so stacked areas stay aligned).
  static func downsample(_ points: [Chart.Point]) -> [Chart.Point] {
    guard points.count > maxPoints else { return points }
    let size = Int((Double(points.count) / Double(maxPoints)).rounded(.up))
    return stride(from: 0, to: points.count, by: size).map { start in
      let bucket = points[start..<min(start + size, points.count)]
      let n = Double(bucket.count)
      return Chart.Point(x: bucket.reduce(0) { $0 + $1.x } / n, y: bucket.reduce(0) { $0 + $1.y } / n)
    }
  }

  static func tagText(_ tag: RunSummary.Tag) -> String { tag.label.isEmpty ? "tag" : tag.label }

  static func markers(_ run: ReportRun, dot: ((Knee) -> Double)?, prefix: Bool = false) -> [Chart.Marker] {
    let lead = prefix ? "\(run.letter): " : ""
    let color = prefix ? run.color : nil
    var out = run.figures.tags.map { tag in
      Chart.Marker(kind: .tag, x: tag.elapsedS, label: lead + tagText(tag), color: color)
    }
    if let knee = run.figures.knee, let at = run.kneeTime, let text = run.kneeText {
      out.append(
        Chart.Marker(
          kind: .knee, x: at, label: lead + text, color: color,
          dot: dot.map { Chart.Point(x: at, y: $0(knee)) }))
    }
    return out
  }

  /// A capacity search's held steps over their measured windows, shaded by verdict, so the search
  /// reads at a glance on the throughput it offered. Exploratory steps are left unshaded: too short
  /// to set the answer.
  static func searchBands(_ run: ReportRun) -> [Chart.Band] {
    (run.capacity?.steps ?? []).filter { $0.phase == .hold }.map { step in
      let rate = RateText.live(step.rate)
      let verdict = ReportSections.verdictText(step.verdict)
      let window = "\(ClockText.format(Double(step.windowStartS)))–\(ClockText.format(Double(step.endS)))"
      let (role, meaning): (Chart.Band.Role, String) =
        switch step.verdict {
        case .pass: (.pass, "held step passed every SLO")
        case .fail: (.fail, "held step failed an SLO")
        case .clientLimited: (.neutral, "held step client-limited (says nothing about the target)")
        }
      return Chart.Band(
        from: Double(step.windowStartS), to: Double(step.endS), role: role, label: rate,
        title: "held \(rate): \(verdict), measured \(window)", meaning: meaning)
    }
  }

  static func spans(_ run: ReportRun, prefix: Bool = false) -> [Chart.Span] {
    run.pauses.map { range in
      Chart.Span(
        from: range.lowerBound, to: range.upperBound, label: prefix ? "\(run.letter) paused" : "paused",
        color: prefix ? run.color : nil)
    }
  }
}
