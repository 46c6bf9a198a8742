import Foundation
import Metrics
import Plot
import RunStore
import Vocabulary

/// The table of a search's steps: every step in the order it ran, each SLO's reading in its own
/// column, the step that set the capacity and the lowest failing one marked in text.
extension ReportSections {
  /// Every step in the order it ran, held ones emphasised, each SLO's reading in its own column.
  static func stepsTable(_ run: ReportRun, _ capacity: CapacityResult) -> BodyNode {
    var sloColumns: [String] = []
    for expr in capacity.slos + capacity.steps.flatMap({ $0.results.map(\.expr) })
    where !sloColumns.contains(expr) {
      sloColumns.append(expr)
    }
    let setter = capacityStep(capacity)
    let failedStep = capacity.steps.lastIndex { $0.verdict == .fail && $0.rate == capacity.failedRps }
    let rows = capacity.steps.enumerated().map { i, step in
      let held = step.phase == .hold
      let samples =
        step.samplesNeeded > 0
        ? "\(CountText.grouped(step.samples)) of \(CountText.grouped(step.samplesNeeded))"
        : CountText.grouped(step.samples)
      var cells = [
        Cell(held ? "held" : "explore", classes: "phase"),
        Cell(
          "\(ClockText.format(Double(step.windowStartS)))–\(ClockText.format(Double(step.endS)))",
          value: Double(step.windowStartS)),
        Cell(RateText.live(step.rate), value: step.rate),
        Cell(RateText.live(step.achievedRps), value: step.achievedRps),
        Cell(
          samples, value: Double(step.samples), classes: step.samples < step.samplesNeeded ? "short" : nil),
        Cell(ThresholdUnit.milliseconds.text(step.mttMs), value: step.mttMs),
      ]
      for expr in sloColumns {
        guard let result = step.results.first(where: { $0.expr == expr }) else {
          cells.append(Cell("-"))
          continue
        }
        cells.append(
          Cell(
            result.observedText + (result.ok ? "" : " ✗"), value: result.observed,
            classes: result.ok ? "slo pass" : "slo bad"))
      }
      var marks: [BodyNode] = []
      if i == setter {
        marks.append(Markup.element("span", ["class": "mark"], text: " ★ capacity"))
      }
      if i == failedStep {
        marks.append(Markup.element("span", ["class": "mark"], text: " ▲ lowest failing"))
      }
      let verdict = verdictClass(step.verdict)
      cells.append(
        Cell(
          verdictText(step.verdict), classes: "verdict " + (step.verdict == .fail ? "bad" : verdict),
          after: marks))
      return Row("\(i + 1)", cells, classes: "step \(held ? "held" : "explore") \(verdict)")
    }
    return table(
      id: "capacity-steps-\(run.letter)",
      caption: "Measured: the run seconds each step was judged over, after its warm-up. Held steps "
        + "(bold, and shaded on the throughput chart) are measured long enough for the SLOs' "
        + "percentiles (samples of needed); exploratory steps are short and only bracket the answer. "
        + "✗ marks a reading that failed its SLO.",
      head: ["Step", "Phase", "Measured", "Offered", "Achieved", "Samples", "Mean (MTT)"] + sloColumns
        + ["Verdict"], rows: rows, classes: "figures steps")
  }

  /// The held step that passed at the capacity's rate: the one that set it.
  static func capacityStep(_ capacity: CapacityResult) -> Int? {
    capacity.steps.lastIndex { $0.phase == .hold && $0.verdict == .pass && $0.rate == capacity.capacityRps }
  }

  /// A step's verdict in words, as the table and the chart's bands say it.
  static func verdictText(_ verdict: SearchStep.Verdict) -> String {
    switch verdict {
    case .pass: "pass"
    case .fail: "FAIL"
    case .clientLimited: "client-limited"
    }
  }

  /// A step's verdict as a class name (rows and cells).
  static func verdictClass(_ verdict: SearchStep.Verdict) -> String {
    verdict == .clientLimited ? "client-limited" : verdict.rawValue
  }
}
