import Foundation
import Metrics
import Plot
import RunStore
import Vocabulary

/// The answer of `rampart find` runs: each run's headline, the limiting SLO, the closed-model view
/// and every step of its search; with two or more searched runs, their capacities side by side
/// (the seed question: one backend against two). A report without a search has no such section.
extension ReportSections {
  static func capacitySearch(_ runs: [ReportRun]) -> BodyNode? {
    let searched = runs.filter { $0.capacity != nil }
    guard !searched.isEmpty else { return nil }
    var children: [BodyNode] = []
    if searched.count > 1 { children += capacityComparison(searched) }
    for run in searched { children.append(capacityRun(run, titled: runs.count > 1)) }
    return section("capacity-search", "Capacity search", children)
  }

  /// One run's search: the headline as the lead, what broke, the closed-model view, the steps.
  static func capacityRun(_ run: ReportRun, titled: Bool) -> BodyNode {
    guard let capacity = run.capacity else { return .empty }
    var children: [BodyNode] = []
    if titled { children.append(Markup.element("h3", text: run.label)) }
    children.append(Markup.element("p", ["class": "lead"], text: capacity.headline))
    let held = capacity.steps.filter { $0.phase == .hold }.count
    let limiting =
      capacity.limitingSLO.map { slo in
        "\(slo) read \(capacity.limitingObservedText ?? "?")"
          + (capacity.failedRps.map { " at " + RateText.live($0) } ?? "")
      }
    // Little's law: the step that set the capacity was held at this rate with this mean response
    // time.
    let passed = capacityStep(capacity).map { capacity.steps[$0] }
    let closed = capacity.vusersAtCapacityText.map { text in
      text
        + (passed.map { step in
          ": " + RateText.live(step.rate) + " × " + ThresholdUnit.milliseconds.text(step.mttMs)
            + " mean response time. A closed-model run (vusers) needs that many to offer this load "
            + "without think time, more with it"
        } ?? "")
    }
    let facts = [
      Row(
        "SLOs",
        [
          Cell(
            capacity.slos.joined(separator: ", ") + "; every step is also held to "
              + CapacitySearch.keepsUpExpression + " of the rate it offered")
        ]),
      Row("Limiting SLO", [Cell(limiting ?? "none: no SLO failed", classes: limiting == nil ? nil : "bad")]),
      Row("Closed-model view", [Cell(closed ?? "none: no rate passed")]),
      Row(
        "Steps",
        [
          Cell(
            "\(capacity.steps.count - held) exploratory (short, to bracket the answer), \(held) held "
              + "(warm-up left out, measured long enough for the SLOs' percentiles; only these set "
              + "the capacity)", value: Double(capacity.steps.count))
        ]),
    ]
    children.append(
      table(id: "capacity-facts-\(run.letter)", head: nil, rows: facts, classes: "meta capacity-facts"))
    children.append(stepsTable(run, capacity))
    return Markup.element("div", ["class": "capacity-run", "id": "capacity-run-\(run.letter)"], children)
  }

  /// With two or more searched runs: each one's capacity against the first's, the seed question's
  /// answer in one line ("180/s vs 355/s (+97%)").
  static func capacityComparison(_ searched: [ReportRun]) -> [BodyNode] {
    let base = searched[0]
    let lines = searched.dropFirst().compactMap { run in
      versus(base.capacity, run.capacity).map { "\(run.label) against \(base.label): \($0.text)" }
    }
    let rows = searched.enumerated().map { i, run in
      let capacity = run.capacity
      let change = i == 0 ? nil : versus(base.capacity, capacity)
      return Row(
        run.label,
        [
          Cell(
            capacity?.capacityRps.map { RateText.live($0) } ?? "none passed",
            value: capacity?.capacityRps),
          Cell(
            capacity?.failedRps.map { RateText.live($0) } ?? "none failed",
            value: capacity?.failedRps),
          Cell(capacity?.limitingSLO ?? "-", classes: "text"),
          Cell(
            capacity?.vusersAtCapacity.map { CountText.grouped($0) } ?? "-",
            value: capacity?.vusersAtCapacity.map(Double.init)),
          Cell(change?.text ?? "–", value: change?.percent, classes: "change"),
        ])
    }
    var nodes = lines.map { Markup.element("p", ["class": "lead versus"], text: $0) }
    nodes.append(
      table(
        id: "capacity-compare-table",
        head: [
          "Run", "Capacity (within SLO)", "Lowest failing rate", "Limiting SLO", "Vusers at capacity",
          "Against \(base.letter)",
        ], rows: rows))
    return nodes
  }

  /// "180/s vs 355/s (+97%)": `other`'s capacity against `base`'s; nil unless both found one.
  static func versus(_ base: CapacityResult?, _ other: CapacityResult?) -> (text: String, percent: Double)? {
    guard let a = base?.capacityRps, let b = other?.capacityRps, a > 0 else { return nil }
    let percent = (b - a) / a * 100
    return (
      RateText.live(a) + " vs " + RateText.live(b) + " (" + PercentText.change(percent) + ")",
      percent
    )
  }
}
