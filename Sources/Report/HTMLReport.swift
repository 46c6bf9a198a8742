import Foundation
import Metrics
import Plot
import RunStore
import Vocabulary

/// `rampart report`: one self-contained HTML5 file for a run, optionally compared with up to three
/// others. Inline CSS and inline SVG charts; no script, no fonts, no image or style fetched from
/// anywhere, so the file reads the same attached to a pull request, offline or printed.
public enum HTMLReport {
  /// The report of `run`; with `compare`, `run` is A and the others B to D of a `RunComparison`
  /// (`axis == .vusers` adds the capacity curves). `generatedAt` is written in the footer.
  public static func render(
    _ run: LoadedRun, compare: [LoadedRun] = [], axis: CompareAxis = .time, generatedAt: Date
  ) throws(CompareError) -> String {
    let comparison = compare.isEmpty ? nil : try RunComparison([run] + compare, axis: axis)
    let runs =
      comparison?.runs.enumerated().map { i, compared in
        ReportRun(compared.run, index: i, figures: compared.figures, curve: compared.curve)
      } ?? [ReportRun(run, index: 0)]
    return ReportPage(runs: runs, comparison: comparison, generatedAt: generatedAt).document().render()
  }
}

/// The page: its sections in reading order.
struct ReportPage {
  var runs: [ReportRun]
  var comparison: RunComparison?
  var generatedAt: Date

  var primary: ReportRun { runs[0] }
  var comparing: Bool { comparison != nil }

  var title: String {
    comparing
      ? "rampart report: " + runs.map(\.name).joined(separator: " vs ")
      : "rampart report: \(primary.name)"
  }

  func document() -> HTML {
    HTML(
      .lang(.english),
      .head(
        .meta(.charset(.utf8)),
        .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
        .meta(.name("generator"), .content("rampart")),
        .element(named: "title", text: CleanText.line(title).replacingOccurrences(of: "&", with: "&amp;")),
        .style(ReportStyle.css)
      ),
      .body(.group(body()))
    )
  }

  func body() -> [BodyNode] {
    var main: [BodyNode] = [header()]
    if comparing {
      main.append(notes())
      main.append(ReportSections.runsTable(runs, comparing: true))
      main.append(comparisonSection())
      // A search's answer is what its runs are compared for: right after the delta table.
      if let capacity = ReportSections.capacitySearch(runs) { main.append(capacity) }
      main.append(chartSection(id: "overlays", heading: "Runs overlaid by time", ReportCharts.overlays(runs)))
      if comparison?.axis == .vusers {
        main.append(
          chartSection(
            id: "capacity", heading: "Capacity: throughput and latency against vusers",
            intro: "Each point is a settled ramp step (the knee detector's steps); the knee of each run is "
              + "marked with its vusers and throughput.", ReportCharts.capacity(runs)))
      }
      main.append(ReportSections.totals(runs))
      main.append(ReportSections.percentiles(runs))
      main.append(
        chartSection(
          id: "detail", heading: "Run \(primary.label) over time", ReportCharts.detail(primary)))
    } else {
      main += flags()
      main.append(
        Markup.element(
          "div", ["class": "overview"],
          [ReportSections.runsTable(runs, comparing: false), ReportSections.totals(runs)]))
      if let capacity = ReportSections.capacitySearch(runs) { main.append(capacity) }
      main.append(chartSection(id: "detail", heading: "Over time", ReportCharts.detail(primary)))
      main.append(ReportSections.percentiles(runs))
    }
    main.append(ReportSections.errors(runs))
    if let thresholds = ReportSections.thresholds(runs) { main.append(thresholds) }
    if let logs = ReportSections.logErrors(runs) { main.append(logs) }
    main.append(ReportSections.events(runs))
    main.append(footer())
    return [Markup.element("main", ["class": "report"], main)]
  }

  func header() -> BodyNode {
    let heading = comparing ? runs.map(\.name).joined(separator: " vs ") : primary.name
    let meta = primary.run.meta
    var line = [
      "\(meta.method) \(meta.target)", meta.plan, "started \(UTCText.format(meta.startedAt, style: .report))",
      ClockText.format(primary.figures.durationS),
    ]
    if comparing { line = ["\(runs.count) runs compared", "by \(comparison?.axis.rawValue ?? "time")"] }
    return Markup.element(
      "header", ["id": "report-header"],
      [
        Markup.element("p", ["class": "kicker"], text: "rampart load test report"),
        Markup.element("h1", text: heading),
        Markup.element("p", ["class": "subtitle"], text: line.joined(separator: " · ")),
      ])
  }

  /// A run that did not complete, whose journal stopped early or had unreadable lines, said in words
  /// at the top.
  func flags() -> [BodyNode] {
    runs.flatMap { run -> [BodyNode] in
      var flags: [BodyNode] = []
      if run.run.outcome != .complete {
        let outcome = run.run.outcomeDetail(run.figures)
        flags.append(
          Markup.element(
            "div", ["class": "flag", "role": "note"],
            [
              Markup.element("strong", text: outcome.word),
              Markup.text(": " + outcome.detail + "."),
            ]))
      }
      if run.run.summary != nil, let stop = run.run.journalStop {
        flags.append(
          Markup.element(
            "div", ["class": "flag", "role": "note"],
            [
              Markup.element("strong", text: "JOURNAL STOPPED"),
              Markup.text(": " + stop.withSummaryText + "."),
            ]))
      }
      if run.run.discardedLines > 0 {
        flags.append(
          Markup.element(
            "div", ["class": "flag", "role": "note"],
            [
              Markup.element("strong", text: "SKIPPED LINES"),
              Markup.text(": \(run.run.discardedLines) unreadable journal line(s) were left out."),
            ]))
      }
      return flags
    }
  }

  func notes() -> BodyNode {
    let notes = comparison?.notes ?? []
    guard !notes.isEmpty else {
      return Markup.element(
        "section", ["id": "notes", "class": "notes ok"],
        [
          Markup.element("h2", text: "Read before comparing"),
          Markup.element("p", text: "Every run completed, with the same plan, target and tags."),
        ])
    }
    return Markup.element(
      "section", ["id": "notes", "class": "notes", "role": "note"],
      [
        Markup.element("h2", text: "Read before comparing"),
        Markup.element("ul", [:], notes.map { Markup.element("li", text: $0) }),
      ])
  }

  func comparisonSection() -> BodyNode {
    guard let comparison else { return .empty }
    return Markup.element(
      "section", ["id": "comparison"],
      [
        Markup.element("h2", text: "Comparison"),
        ReportSections.runLegend(runs),
        ReportSections.deltaTable(comparison, runs: runs),
      ])
  }

  func chartSection(id: String, heading: String, intro: String? = nil, _ charts: [Chart]) -> BodyNode {
    var children = [Markup.element("h2", text: heading)]
    if let intro { children.append(Markup.element("p", ["class": "intro"], text: intro)) }
    if comparing && id != "detail" { children.append(ReportSections.runLegend(runs)) }
    children += charts.map { $0.render() }
    return Markup.element("section", ["id": id, "class": "charts"], children)
  }

  func footer() -> BodyNode {
    Markup.element(
      "footer", [:],
      [
        Markup.element(
          "p",
          text: "Generated by rampart report at \(UTCText.format(generatedAt, style: .report)). "
            + "Self-contained: no scripts and no external resources.")
      ])
  }
}
