import Metrics
import TerminalUI
import Theme
import Vocabulary

/// One latency figure in both views of the open model.
struct LatencyViewsRow {
  var label: String
  var corrected: Double
  var uncorrected: Double
  var role: ThemeRole
}

/// What the stats panel of an open-model run shows beyond the closed model's: the arrivals, and
/// latency in both views side by side, named as wrk2 names them (corrected: from each request's
/// intended start; uncorrected: from the actual send).
extension StatsPanel {
  /// The arrivals after the totals, and the latency section in its two views.
  func withOpenModelSections(_ sections: [Section]) -> [Section] {
    var out = sections
    if let latency = out.firstIndex(where: { $0.title.first?.text == "Latency" }) {
      out[latency] = Section(
        title: [Span("Latency", style: model.style(.title))], latencyViews: latencyViews())
    }
    out.insert(arrivalsSection(), at: min(1, out.count))
    return out
  }

  private func arrivalsSection() -> Section {
    let totals = model.metrics.totals
    let arrivals = totals.arrivals ?? ArrivalTally()
    func share(_ count: Int) -> String {
      arrivals.offered > 0 && count > 0
        ? " " + PercentText.format(Double(count) / Double(arrivals.offered)) : ""
    }
    let limited = totals.generatorLimitedSeconds
    var rows: [Row] = [
      ("offered", CountText.grouped(arrivals.offered), .offered),
      ("late", CountText.grouped(arrivals.late) + share(arrivals.late), arrivals.late > 0 ? .warning : .good),
      (
        "dropped", CountText.grouped(arrivals.dropped) + share(arrivals.dropped),
        arrivals.dropped > 0 ? .bad : .good
      ),
    ]
    // Only once the pool was held (PoolGrowth): arrivals that waited or were dropped because more
    // vusers had stopped adding throughput. The target is the limit there, not the client.
    let heldBack = arrivals.heldBack + arrivals.droppedHeld
    if heldBack > 0 { rows.append(("pool held", CountText.grouped(heldBack) + share(heldBack), .warning)) }
    rows.append(("client-limited", DurationText.format(Double(limited)), limited > 0 ? .warning : .good))
    return Section(title: [Span("Arrivals", style: model.style(.title))], rows: rows, fitLabels: true)
  }

  private func latencyViews() -> [LatencyViewsRow] {
    let totals = model.metrics.totals
    let corrected = model.metrics.percentiles
    let uncorrected = totals.arrivals?.uncorrectedFigures
    let maxMs = totals.histogram.totalCount > 0 ? Double(totals.latencyMaxMicros) / 1000 : 0
    return [
      LatencyViewsRow(
        label: "mean", corrected: totals.mttMs, uncorrected: uncorrected?.mttMs ?? 0, role: .latency),
      LatencyViewsRow(
        label: "p50", corrected: corrected.p50Ms, uncorrected: uncorrected?.p50Ms ?? 0, role: .text),
      LatencyViewsRow(
        label: "p90", corrected: corrected.p90Ms, uncorrected: uncorrected?.p90Ms ?? 0, role: .text),
      LatencyViewsRow(
        label: "p95", corrected: corrected.p95Ms, uncorrected: uncorrected?.p95Ms ?? 0, role: .p95),
      LatencyViewsRow(
        label: "p99", corrected: corrected.p99Ms, uncorrected: uncorrected?.p99Ms ?? 0, role: .p99),
      LatencyViewsRow(label: "max", corrected: maxMs, uncorrected: uncorrected?.maxMs ?? 0, role: .text),
    ]
  }

  /// "     corrected uncorrected" over "mean    101 ms       12 ms": the headers are the widest
  /// cells (9 and 11), so at 25 columns the label keeps 4 and every header a space before it.
  func latencyViewsTable(_ rows: [LatencyViewsRow], width: Int) -> Table {
    let muted = model.style(.muted)
    return Table(
      columns: [
        .init(width: max(0, width - 21)), .init(width: 9, alignment: .right),
        .init(width: 12, alignment: .right),
      ],
      header: [Span(""), Span("corrected", style: muted), Span("uncorrected", style: muted)],
      rows: rows.map { row in
        [
          Span(row.label, style: muted),
          Span(LatencyText.format(row.corrected), style: model.style(row.role)),
          Span(LatencyText.format(row.uncorrected), style: model.style(row.role)),
        ]
      }, spacing: 0)
  }
}
