import Metrics
import TerminalUI
import Theme
import Vocabulary

/// The "Search" section of a `rampart find` run: where the capacity search stands. Rows in order
/// of importance, so a short panel keeps the first ones: the interval the answer lies in
/// (passed, failed, how far apart), the phase and the rate offered, the budget, the samples of
/// the step under way.
enum SearchStats {
  /// The rows for a panel `width` columns wide (label and value with at least a space between).
  /// `runOver`: the run is stopping or done, so no step is under way any more.
  static func rows(_ search: SearchProgress, width: Int, runOver: Bool = false) -> [StatsPanel.Row] {
    func fits(_ label: String, _ value: String) -> Bool {
      DisplayWidth.of(label) + 1 + DisplayWidth.of(value) <= width
    }
    var rows: [StatsPanel.Row] = [
      ("passed", search.passed.map(RateText.live) ?? "-", search.passed == nil ? .muted : .good),
      ("failed", search.failed.map(RateText.live) ?? "-", search.failed == nil ? .muted : .bad),
      ("apart", apart(search).map { PercentText.format($0) } ?? "-", apart(search) == nil ? .muted : .text),
    ]
    if !runOver {
      if search.cooling, let next = search.rateAfterCooling {
        // "cooling to 95/s before 190/s" where the panel is wide enough, else on two rows.
        let label = "cooling to \(RateText.live(search.rate)) before"
        if fits(label, RateText.live(next)) {
          rows.append((label, RateText.live(next), .offered))
        } else {
          rows += [
            ("cooling to", RateText.live(search.rate), .offered),
            ("then hold", RateText.live(next), .offered),
          ]
        }
      } else {
        rows.append(
          (search.cooling ? "cooling to" : search.phase.rawValue, RateText.live(search.rate), .offered))
      }
    }
    let used = Double(search.usedSeconds)
    rows.append(
      (
        "budget", "\(ClockText.format(used)) / \(ClockText.format(search.budget))",
        used >= 0.9 * search.budget ? .warning : .text
      ))
    // A step under way: none while cooling, and none once the run is over.
    if !runOver && !search.cooling {
      let samples = CountText.grouped(search.samples)
      if search.phase == .hold && search.samplesNeeded > 0 {
        let value = "\(samples) / \(CountText.grouped(search.samplesNeeded))"
        let role: ThemeRole = search.samples >= search.samplesNeeded ? .good : .text
        rows.append(
          fits("samples", value + " needed") ? ("samples", value + " needed", role) : ("samples", value, role)
        )
      } else {
        rows.append(("samples", samples, .text))
      }
    }
    return rows
  }

  /// How wide the interval is: (failed - passed) / failed, the figure `--precision` is met by.
  static func apart(_ search: SearchProgress) -> Double? {
    guard let passed = search.passed, let failed = search.failed, failed > 0 else { return nil }
    return max(0, failed - passed) / failed
  }
}

extension StatsPanel {
  /// The search's section, first on the panel: in a `rampart find` run it is what the screen is for.
  func withSearchSection(_ sections: [Section], width: Int) -> [Section] {
    guard let search = model.metrics.search else { return sections }
    let over = model.status.phase == .stopping || model.status.phase == .done
    let section = Section(
      title: [Span("Search", style: model.style(.title))],
      rows: SearchStats.rows(search, width: width, runOver: over), fitLabels: true)
    return [section] + sections
  }
}
