import Foundation
import Metrics
import Plot
import RunStore
import Vocabulary

/// The report's server-log section (classes, counts, sample lines) and its table of tags, pauses
/// and the knee.
extension ReportSections {
  // MARK: Server logs

  static func logErrors(_ runs: [ReportRun]) -> BodyNode? {
    let withLogs = runs.filter { $0.hasLogErrors || !$0.run.logSamples.isEmpty }
    guard !withLogs.isEmpty else { return nil }
    var totals: [String: Int] = [:]
    for run in withLogs {
      for (name, count) in run.figures.logErrors ?? [:] { totals[name, default: 0] += count }
      for sample in run.run.logSamples where totals[sample.errorClass] == nil {
        totals[sample.errorClass] = 0
      }
    }
    let order = totals.keys.sorted { (totals[$0]!, $1) > (totals[$1]!, $0) }
    var children: [BodyNode] = [
      Markup.element(
        "p", ["class": "intro"],
        text: "Error events counted in the target's own logs, by class, with the first lines of each class "
          + "as they were read (control characters removed)."),
      countTable(
        id: "log-errors-table", first: "Class", keys: order, runs: withLogs, share: "Share of log errors",
        counts: { $0.figures.logErrors ?? [:] }, total: { ($0.figures.logErrors ?? [:]).values.reduce(0, +) }),
    ]
    for run in withLogs {
      let samples = Dictionary(grouping: run.run.logSamples, by: \.errorClass)
      for name in order where samples[name] != nil || (run.figures.logErrors?[name] ?? 0) > 0 {
        let lines = samples[name] ?? []
        let count = run.figures.logErrors?[name] ?? 0
        var block: [BodyNode] = [
          Markup.element("h3", text: runs.count == 1 ? name : "\(run.letter) \(run.name): \(name)"),
          Markup.element(
            "p", ["class": "count"],
            text: "\(CountText.grouped(count)) event\(count == 1 ? "" : "s")"
              + (lines.isEmpty
                ? "; no sample line kept" : "; first \(lines.count) line\(lines.count == 1 ? "" : "s"):")),
        ]
        if !lines.isEmpty {
          block.append(
            Markup.element(
              "ol", ["class": "samples"],
              lines.map { sample in
                Markup.element(
                  "li", [:],
                  [
                    Markup.element(
                      "span", ["class": "where"],
                      text: "\(ClockText.format(sample.elapsed)) · \(sample.source)"),
                    logText(sample.text),
                  ])
              }))
        }
        children.append(Markup.element("div", ["class": "log-class"], block))
      }
    }
    return section("log-errors", "Server log errors", children)
  }

  /// A log line (or a folded traceback) as `<pre>`: cleaned line by line, lines joined by `<br>`.
  static func logText(_ text: String) -> BodyNode {
    var nodes: [BodyNode] = []
    for (i, line) in CleanText.lines(text).enumerated() {
      if i > 0 { nodes.append(.selfClosedElement(named: "br")) }
      nodes.append(Markup.text(line))
    }
    return Markup.element("pre", ["class": "log"], nodes)
  }

  // MARK: Events

  static func events(_ runs: [ReportRun]) -> BodyNode {
    var rows: [(Double, Int, Row)] = []
    for (order, run) in runs.enumerated() {
      let who = runs.count == 1 ? [] : [Cell(run.label)]
      func add(_ at: Double, _ kind: String, _ detail: String, classes: String? = nil) {
        rows.append(
          (at, order, Row(ClockText.format(at), who + [Cell(kind, classes: classes), Cell(detail)])))
      }
      for tag in run.figures.tags { add(tag.elapsedS, "tag", ReportCharts.tagText(tag), classes: "tag") }
      for pause in run.pauses {
        add(
          pause.lowerBound, "pause", "paused for \(ClockText.format(pause.upperBound - pause.lowerBound))",
          classes: "pause")
      }
      for event in run.run.events {
        switch event.kind {
        case .setVusers: add(event.elapsed, "set vusers", event.value.map { "\(Int($0)) vusers" } ?? "")
        case .setRate: add(event.elapsed, "set rate", event.value.map { RateText.setting($0) } ?? "")
        case .threshold: add(event.elapsed, "threshold failing", event.label ?? "", classes: "bad")
        case .fileLimit: add(event.elapsed, "open-file limit", event.label ?? "")
        case .journalStopped:
          add(event.elapsed, "journal stopped", JournalStop(event)?.reason ?? "", classes: "bad")
        case .searchStep:
          let rate = event.value.map { RateText.live($0) } ?? ""
          add(event.elapsed, "search step", [rate, event.label ?? ""].joined(separator: " "))
        case .capacity: add(event.elapsed, "capacity", event.label ?? "", classes: "knee")
        case .watchLost: add(event.elapsed, "watch lost", event.label ?? "", classes: "bad")
        case .watchBack: add(event.elapsed, "watch back", event.label ?? "")
        default: break
        }
      }
      if let knee = run.figures.knee, let at = run.kneeTime {
        add(
          at, "knee",
          "\(knee.vusers) vusers · \(RateText.perSecond(knee.tps, style: .report)) · MTT \(LatencyText.format(knee.mttMs, style: .report))"
            + " · confidence \(knee.confidenceText) (marked where the ramp reached it)",
          classes: "knee")
      }
    }
    let sorted = rows.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.2)
    guard !sorted.isEmpty else {
      return section(
        "events", "Tags, pauses and the knee", [Markup.element("p", ["class": "empty"], text: "None.")])
    }
    let head = ["Time"] + (runs.count == 1 ? [] : ["Run"]) + ["Event", "Detail"]
    return section(
      "events", "Tags, pauses and the knee", [table(id: "events-table", head: head, rows: sorted)])
  }
}
