import Foundation
import Metrics
import Plot
import RunStore
import Vocabulary

/// One table cell: its text, the raw figure behind it (`data-value`, for scripts and tests) and
/// anything drawn after the text (a "best" mark).
struct Cell {
  var text: String
  var value: Double?
  var classes: String?
  var after: [BodyNode] = []

  init(_ text: String, value: Double? = nil, classes: String? = nil, after: [BodyNode] = []) {
    self.text = text
    self.value = value
    self.classes = classes
    self.after = after
  }

  static func count(_ value: Int) -> Cell { Cell(CountText.grouped(value), value: Double(value)) }
}

/// A table row: a header cell naming it, then cells.
struct Row {
  var header: String
  var cells: [Cell]
  var classes: String?

  init(_ header: String, _ cells: [Cell], classes: String? = nil) {
    self.header = header
    self.cells = cells
    self.classes = classes
  }
}

/// The report's tables and text sections.
enum ReportSections {
  // MARK: Tables

  /// A table; without `head` (one run's name/value tables) it has no header row.
  static func table(
    id: String, caption: String? = nil, head: [String]?, rows: [Row], classes: String = "figures"
  )
    -> BodyNode
  {
    var parts: [BodyNode] = []
    if let caption { parts.append(Markup.element("caption", text: caption)) }
    if let head {
      parts.append(
        Markup.element(
          "thead", [:],
          [Markup.element("tr", [:], head.map { Markup.element("th", ["scope": "col"], text: $0) })]))
    }
    parts.append(
      Markup.element(
        "tbody", [:],
        rows.map { row in
          var cells = [Markup.element("th", ["scope": "row"], text: row.header)]
          for cell in row.cells {
            var attributes: [(String, String)] = []
            if let classes = cell.classes { attributes.append(("class", classes)) }
            if let value = cell.value { attributes.append(("data-value", "\(value)")) }
            cells.append(Chart.element("td", attributes, [Markup.text(cell.text)] + cell.after))
          }
          return Chart.element("tr", row.classes.map { [("class", $0)] } ?? [], cells)
        }))
    return Markup.element(
      "div", ["class": "table-wrap"], [Markup.element("table", ["id": id, "class": classes], parts)])
  }

  static func section(_ id: String, _ heading: String, _ children: [BodyNode]) -> BodyNode {
    Markup.element("section", ["id": id], [Markup.element("h2", text: heading)] + children)
  }

  /// The header of a name/value table: one column per run, none for a single run.
  static func head(_ runs: [ReportRun]) -> [String]? {
    runs.count == 1 ? nil : [""] + runs.map(\.label)
  }

  // MARK: Runs

  static func runsTable(_ runs: [ReportRun], comparing: Bool) -> BodyNode {
    func row(_ title: String, _ cell: (ReportRun) -> Cell) -> Row { Row(title, runs.map(cell)) }
    var rows: [Row] = comparing ? [] : [row("Name") { Cell($0.name) }]
    rows += [
      row("Target") { Cell($0.run.meta.target) },
      row("Method") { Cell($0.run.meta.method) },
      row("Plan") { Cell($0.run.meta.plan) },
      row("Started (UTC)") { Cell(UTCText.format($0.run.meta.startedAt, style: .report)) },
      row("Duration") { Cell(ClockText.withSeconds($0.figures.durationS), value: $0.figures.durationS) },
      row("Outcome") { run in
        let outcome = run.run.outcomeDetail(run.figures)
        var text = run.run.outcome == .complete ? "complete" : "\(outcome.word): \(outcome.detail)"
        if run.run.summary != nil, let stop = run.run.journalStop { text += "; " + stop.withSummaryText }
        return text == "complete" ? Cell(text, classes: "outcome") : Cell(text, classes: "outcome bad")
      },
      row("Paused") { run in
        run.pauses.isEmpty
          ? Cell("no pauses", value: 0)
          : Cell(
            "\(ClockText.format(run.pausedS)) in \(run.pauses.count) pause\(run.pauses.count == 1 ? "" : "s")",
            value: run.pausedS)
      },
      row("Host") { Cell($0.run.meta.host) },
      row("rampart version") { Cell($0.run.meta.rampartVersion) },
      row("Command") { Cell(commandLine($0.run.meta.command), classes: "command") },
      row("Run directory") { Cell($0.run.directory, classes: "path") },
    ]
    return section(
      "runs", comparing ? "Runs" : "Run",
      [table(id: "runs-table", head: head(runs), rows: rows, classes: "meta")])
  }

  /// The command as a shell would take it back (arguments with spaces or quotes quoted).
  static func commandLine(_ arguments: [String]) -> String {
    arguments.map { argument in
      let plain =
        !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0) }
      return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }

  static func runLegend(_ runs: [ReportRun]) -> BodyNode {
    Markup.element(
      "ul", ["class": "legend runs"],
      runs.map { run in
        var children = [
          Markup.element(
            "span", ["class": "swatch line", "style": Chart.swatchStyle(color: run.color, dash: run.dash)]),
          Markup.element("strong", text: run.letter),
          Markup.text(" " + run.name),
        ]
        if run.run.outcome != .complete {
          children.append(
            Markup.element("span", ["class": "bad"], text: " " + run.run.outcomeLegend))
        }
        return Markup.element("li", [:], children)
      })
  }

  // MARK: Figures

  static func totals(_ runs: [ReportRun]) -> BodyNode {
    func row(_ title: String, _ cell: (ReportRun) -> Cell) -> Row { Row(title, runs.map(cell)) }
    var rows = [
      row("Requests") { Cell.count($0.figures.requests) },
      row("Errors") { Cell.count($0.figures.errors) },
      row("Error rate") {
        Cell(PercentText.format($0.figures.errorRate, style: .report), value: $0.figures.errorRate)
      },
      row("Mean TPS") { Cell(RateText.perSecond($0.figures.tps, style: .report), value: $0.figures.tps) },
      row("Peak TPS") {
        Cell(RateText.perSecond($0.figures.tpsPeak, style: .report), value: $0.figures.tpsPeak)
      },
      row("Peak vusers") { Cell.count($0.figures.vusersPeak) },
      row("Knee") { run in
        run.figures.knee.map { Cell($0.position, value: $0.rate ?? Double($0.vusers)) } ?? Cell("none found")
      },
      row("TPS at the knee") { run in
        run.figures.knee.map { Cell(RateText.perSecond($0.tps, style: .report), value: $0.tps) } ?? Cell("-")
      },
      row("MTT at the knee") { run in
        run.figures.knee.map { Cell(LatencyText.format($0.mttMs, style: .report), value: $0.mttMs) }
          ?? Cell("-")
      },
      row("Bytes received") {
        Cell(ByteSize.format(Double($0.bytesIn), style: .report), value: Double($0.bytesIn))
      },
      row("Bytes sent") {
        Cell(ByteSize.format(Double($0.bytesOut), style: .report), value: Double($0.bytesOut))
      },
    ]
    if runs.contains(where: { $0.figures.model == .open }) {
      func count(_ value: Int?) -> Cell { value.map(Cell.count) ?? Cell("-") }
      rows += [
        row("Model") { Cell($0.figures.model == .open ? "open (arrival rate)" : "closed (vusers)") },
        row("Mean offered rate") { run in
          run.figures.offeredRps.map { Cell(RateText.perSecond($0, style: .report), value: $0) } ?? Cell("-")
        },
        row("Late arrivals (sent > 1 ms after due)") { count($0.figures.late) },
        row("Dropped arrivals") { count($0.figures.dropped) },
      ]
    }
    if runs.contains(where: \.hasLogErrors) {
      rows.append(
        row("Server log errors") { run in
          run.figures.logErrors.map { Cell.count($0.values.reduce(0, +)) } ?? Cell("not followed")
        })
    }
    return section("totals", "Totals", [table(id: "totals-table", head: head(runs), rows: rows)])
  }

  static func percentiles(_ runs: [ReportRun]) -> BodyNode {
    let rows = runs.map { run in
      let f = run.figures
      let mark = f.exactPercentiles ? "" : "≈ "
      func cell(_ value: Double, exact: Bool = false) -> Cell {
        Cell((exact ? "" : mark) + LatencyText.format(value, style: .report), value: value)
      }
      return Row(
        runs.count == 1 ? run.name : run.label,
        [
          cell(run.minMs, exact: true), cell(f.mttMs, exact: true), cell(f.p50Ms), cell(f.p90Ms),
          cell(f.p95Ms), cell(f.p99Ms), cell(f.maxMs, exact: true),
        ])
    }
    // An open-model run has a second view: from the actual send, beside the one from the intended
    // start that the rows above hold.
    let uncorrected = runs.compactMap { run in
      run.figures.uncorrected.map { u in
        Row(
          (runs.count == 1 ? run.name : run.label) + " (from the send)",
          [Cell("-"), Cell(LatencyText.format(u.mttMs, style: .report), value: u.mttMs)]
            + [u.p50Ms, u.p90Ms, u.p95Ms, u.p99Ms, u.maxMs].map {
              Cell(LatencyText.format($0, style: .report), value: $0)
            })
      }
    }
    var children = [
      table(
        id: "percentiles-table", head: ["Run", "min", "mean (MTT)", "p50", "p90", "p95", "p99", "max"],
        rows: rows + uncorrected)
    ]
    if !uncorrected.isEmpty {
      children.append(
        Markup.element(
          "p", ["class": "footnote"],
          text: "Open model: the first rows run from each request's intended start (corrected for "
            + "coordinated omission); the rows marked \"from the send\" from its first byte sent, as a "
            + "closed-model tool reports them."))
    }
    let approximate = runs.filter { !$0.figures.exactPercentiles }
    if !approximate.isEmpty {
      // Only a run that was killed lost its histogram with the process; say no more than that.
      let text =
        approximate.allSatisfy { $0.run.journalStop == nil }
        ? "≈ approximate: the run was killed before its summary, so these percentiles are the "
          + "request-weighted mean of the per-second ones (the run's histogram died with the process)."
        : "≈ approximate: the run has no summary, so these percentiles are the request-weighted mean of "
          + "the per-second ones on disk (the run's histogram was never written)."
      children.append(Markup.element("p", ["class": "footnote"], text: text))
    }
    return section("percentiles", "Response time percentiles", children)
  }

  static func deltaTable(_ comparison: RunComparison, runs: [ReportRun]) -> BodyNode {
    let head = ["Figure", "Better"] + runs.map(\.label) + runs.dropFirst().map { "\($0.letter) vs A" }
    let rows = comparison.rows.map { row in
      var cells = [Cell(row.better.rawValue, classes: "better")]
      for value in row.values {
        let text = DeltaFormat.value(value, unit: row.unit)
        // Every value equal to the best one is marked, so a tie is not shown as a loss.
        if let best = row.best, let value, value == row.values[best] {
          cells.append(
            Cell(
              text, value: value, classes: "best",
              after: [
                Markup.element("span", ["class": "mark", "title": "the better value"], text: " ★ best")
              ]))
        } else {
          cells.append(Cell(text, value: value))
        }
      }
      for i in runs.indices.dropFirst() {
        let change = i < row.deltaPercent.count ? row.deltaPercent[i] : nil
        let text = PercentText.change(change)
        cells.append(Cell(text.isEmpty ? "–" : text, value: change, classes: "change"))
      }
      // One class per row: a watched source's name ("pid 4242") may hold a space.
      return Row(row.title, cells, classes: "delta-" + row.key.replacingOccurrences(of: " ", with: "_"))
    }
    return Markup.element(
      "div", [:],
      [
        table(
          id: "delta-table",
          caption:
            "★ best marks the better value of each row (the Better column says whether higher or lower "
            + "is better); no mark means the values are within 0.5% of each other. Changes are against A."
            + (comparison.rows.contains { $0.better == .neither }
              ? " Rows better \"neither\" (a watched source's CPU and memory) are read side by side, never marked."
              : ""),
          head: head, rows: rows, classes: "figures delta")
      ])
  }

  // MARK: Errors

  static func errors(_ runs: [ReportRun]) -> BodyNode {
    var children: [BodyNode] = [Markup.element("h3", text: "Errors by kind")]
    let kinds = Dictionary(
      runs.flatMap { $0.figures.errorsByKind.map { ($0.key, $0.value) } }, uniquingKeysWith: +)
    if kinds.isEmpty {
      children.append(Markup.element("p", ["class": "empty"], text: "No errors."))
    } else {
      let order = kinds.keys.sorted { (kinds[$0]!, $1) > (kinds[$1]!, $0) }
      children.append(
        countTable(
          id: "errors-table", first: "Kind", keys: order, runs: runs, share: "Share of requests",
          counts: { $0.figures.errorsByKind }, total: { $0.figures.requests }))
    }
    children.append(Markup.element("h3", text: "Status codes"))
    let codes = Set(runs.flatMap { $0.figures.statusCodes.keys })
    if codes.isEmpty {
      children.append(Markup.element("p", ["class": "empty"], text: "No responses."))
    } else {
      let order = codes.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
      children.append(
        countTable(
          id: "status-table", first: "Status", keys: order, runs: runs, share: "Share of responses",
          counts: { $0.figures.statusCodes }, total: { $0.figures.statusCodes.values.reduce(0, +) }))
    }
    return section("errors", "Errors and status codes", children)
  }

  /// Counts by key: "count" and "share" columns for one run, "count (share)" per run otherwise.
  static func countTable(
    id: String, first: String, keys: [String], runs: [ReportRun], share: String,
    counts: (ReportRun) -> [String: Int], total: (ReportRun) -> Int
  ) -> BodyNode {
    let rows = keys.map { key in
      Row(
        key,
        runs.flatMap { run -> [Cell] in
          let count = counts(run)[key] ?? 0
          let all = total(run)
          let fraction = all > 0 ? Double(count) / Double(all) : 0
          if runs.count == 1 {
            return [Cell.count(count), Cell(PercentText.format(fraction, style: .report), value: fraction)]
          }
          return [
            Cell(
              "\(CountText.grouped(count)) (\(PercentText.format(fraction, style: .report)))",
              value: Double(count))
          ]
        })
    }
    let head = runs.count == 1 ? [first, "Count", share] : [first] + runs.map(\.label)
    return table(id: id, head: head, rows: rows)
  }

  static func thresholds(_ runs: [ReportRun]) -> BodyNode? {
    let rows = runs.flatMap { run in
      (run.run.summary?.thresholds ?? []).map { result in
        Row(
          runs.count == 1 ? run.name : run.label,
          [
            Cell(result.expr), Cell(result.observedText, value: result.observed),
            Cell(result.ok ? "pass" : "FAIL", classes: result.ok ? "pass" : "bad"),
          ])
      }
    }
    guard !rows.isEmpty else { return nil }
    return section(
      "thresholds", "Thresholds",
      [table(id: "thresholds-table", head: ["Run", "Threshold", "Observed", "Result"], rows: rows)])
  }
}
