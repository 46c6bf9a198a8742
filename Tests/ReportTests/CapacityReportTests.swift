import Foundation
import Metrics
import RunStore
import Testing
import Vocabulary

@testable import Report

/// `rampart find` runs in the report: the search's answer as the section's lead, every step in a
/// table, the held steps shaded by verdict on the throughput chart, and one backend against two
/// as one figure. Expected values come from the fixture's own search, never from the output.
@Suite(.timeLimit(.minutes(1)))
struct CapacityReportTests {
  @Test func theSectionLeadsWithTheHeadlineAndListsEveryStep() throws {
    let run = try CapacityFixture.shared().one
    let capacity = try #require(run.summary?.capacity)
    #expect(capacity.verdict == .found, "\(capacity.headline)")
    let report = try Rendered(run)
    let section = try #require(report.root.first(id: "capacity-search"))
    #expect(section.all("h2").first?.textContent == "Capacity search")
    // The headline is the first thing the section says.
    let lead = section.children.dropFirst().first
    #expect(lead?.name == "div" && lead?.id == "capacity-run-A")
    #expect(lead?.children.first?.has(class: "lead") == true)
    #expect(lead?.children.first?.textContent == capacity.headline)

    let table = try #require(section.first(id: "capacity-steps-A"))
    let head = table.all("thead").first?.all("th").map(\.textContent)
    #expect(
      head == ["Step", "Phase", "Measured", "Offered", "Achieved", "Samples", "Mean (MTT)"] + capacity.slos
        + [CapacitySearch.keepsUpExpression, "Verdict"])
    let rows = table.all("tbody").first?.children ?? []
    #expect(rows.count == capacity.steps.count)
    #expect(capacity.steps.contains { $0.verdict == .fail } && capacity.steps.contains { $0.phase == .hold })
    for (i, (step, tr)) in zip(capacity.steps, rows).enumerated() {
      let verdict =
        switch step.verdict {
        case .pass: "pass"
        case .fail: "fail"
        case .clientLimited: "client-limited"
        }
      #expect(tr.has(class: "step") && tr.has(class: verdict), "step \(i + 1): \(tr.classes)")
      #expect(tr.has(class: "held") == (step.phase == .hold), "step \(i + 1)")
      let cells = tr.children.filter { $0.name == "td" }
      #expect(cells[0].textContent == (step.phase == .hold ? "held" : "explore"))
      #expect(cells[1].attributes["data-value"] == "\(Double(step.windowStartS))")
      #expect(cells[2].attributes["data-value"] == "\(step.rate)")
      #expect(cells[2].textContent == RateText.live(step.rate))
      #expect(cells[3].attributes["data-value"] == "\(step.achievedRps)")
      #expect(
        cells[4].textContent
          == (step.samplesNeeded > 0
            ? "\(CountText.grouped(step.samples)) of \(CountText.grouped(step.samplesNeeded))"
            : CountText.grouped(step.samples)))
      for (j, expr) in (capacity.slos + [CapacitySearch.keepsUpExpression]).enumerated() {
        let result = try #require(step.results.first { $0.expr == expr })
        let cell = cells[6 + j]
        #expect(cell.attributes["data-value"] == "\(result.observed)")
        #expect(cell.has(class: result.ok ? "pass" : "bad"), "step \(i + 1) \(expr)")
        #expect(cell.textContent.hasPrefix(result.observedText))
        #expect(cell.textContent.hasSuffix("✗") == !result.ok)
      }
      let verdictCell = try #require(cells.last)
      #expect(verdictCell.has(class: "verdict"))
      #expect(verdictCell.has(class: step.verdict == .fail ? "bad" : verdict))
      #expect(verdictCell.textContent.hasPrefix(step.verdict == .fail ? "FAIL" : verdict))
    }
    // The capacity's own step and the lowest failing one are marked in text.
    let marks = table.all("span", class: "mark").map(\.textContent)
    #expect(marks == [" ★ capacity", " ▲ lowest failing"] || marks == [" ▲ lowest failing", " ★ capacity"])
    let capacityRow = try #require(
      rows.first { $0.all("span", class: "mark").contains { $0.textContent == " ★ capacity" } })
    #expect(capacityRow.has(class: "held") && capacityRow.has(class: "pass"))
    #expect(
      capacityRow.children.filter { $0.name == "td" }[2].attributes["data-value"]
        == capacity.capacityRps.map { "\($0)" })

    // What broke, and the closed-model view by Little's law.
    let facts = try #require(section.first(id: "capacity-facts-A"))
    func fact(_ name: String) -> String? {
      facts.all("tr").first { $0.children.first?.textContent == name }?.children.last?.textContent
    }
    let limiting = try #require(capacity.limitingSLO)
    let observed = try #require(capacity.limitingObservedText)
    #expect(fact("Limiting SLO")?.hasPrefix("\(limiting) read \(observed)") == true)
    let vusers = try #require(capacity.vusersAtCapacity)
    #expect(fact("Closed-model view")?.hasPrefix("about \(vusers) vusers at capacity (Little's law)") == true)
  }

  @Test func heldStepsAreShadedOnTheThroughputChartByVerdict() throws {
    let run = try CapacityFixture.shared().one
    let capacity = try #require(run.summary?.capacity)
    let held = capacity.steps.filter { $0.phase == .hold }
    #expect(held.contains { $0.verdict == .pass } && held.contains { $0.verdict == .fail })
    let report = try Rendered(run)
    let chart = try #require(report.chart("chart-tps"))
    let bands = chart.all("rect", class: "band")
    #expect(bands.count == held.count)
    // Where the chart puts a run second: the time axis spans the whole run.
    let xMax = ReportRun(run, index: 0).endS
    func px(_ second: Int) -> Double { Chart.left + min(Double(second) / xMax, 1) * Chart.plotWidth }
    for (step, band) in zip(held, bands) {
      #expect(band.attributes["data-from"] == Chart.n(Double(step.windowStartS)))
      #expect(band.attributes["data-to"] == Chart.n(Double(step.endS)))
      #expect(band.attributes["x"] == Chart.n(px(step.windowStartS)))
      #expect(band.attributes["width"] == Chart.n(px(step.endS) - px(step.windowStartS)))
      switch step.verdict {
      case .pass:
        #expect(band.has(class: "pass") && band.attributes["fill"] == ReportPalette.pass)
      case .fail:
        #expect(band.has(class: "fail") && band.attributes["fill"] == ReportPalette.fail)
      case .clientLimited:
        #expect(band.has(class: "neutral") && band.attributes["fill"] == ReportPalette.neutral)
      }
      #expect(
        band.all("title").first?.textContent.hasPrefix("held \(RateText.live(step.rate)): ") == true)
    }
    // Said in the legend too, and only on the throughput chart.
    let keys = chart.all("li", class: "key").map(\.textContent)
    #expect(keys.contains("shaded ✓: held step passed every SLO"))
    #expect(keys.contains("shaded ✗: held step failed an SLO"))
    #expect(
      report.charts.filter { $0.id != "chart-tps" }.allSatisfy { $0.all("rect", class: "band").isEmpty })
    #expect(Set([ReportPalette.pass, ReportPalette.fail, ReportPalette.neutral]).count == 3)
  }

  @Test func oneBackendAgainstTwoIsOneFigure() throws {
    let fixture = try CapacityFixture.shared()
    let a = try #require(fixture.one.summary?.capacity?.capacityRps)
    let b = try #require(fixture.two.summary?.capacity?.capacityRps)
    let change = (b - a) / a * 100
    let expected =
      "\(RateText.live(a)) vs \(RateText.live(b)) (\(PercentText.change(change)))"
    // The seed question's answer: twice the backends, nearly twice the capacity.
    #expect(PercentText.change(change) == "+97%", "\(expected)")

    let report = try Rendered(fixture.one, compare: [fixture.two])
    let section = try #require(report.root.first(id: "capacity-search"))
    #expect(
      section.all("p", class: "versus").map(\.textContent) == [
        "B two-backends against A one-backend: \(expected)"
      ])
    let table = try #require(section.first(id: "capacity-compare-table"))
    #expect(table.all("thead").first?.all("th").last?.textContent == "Against A")
    let rows = table.all("tbody").first?.children ?? []
    #expect(rows.map { $0.children.first?.textContent } == ["A one-backend", "B two-backends"])
    #expect(report.value(table: "capacity-compare-table", row: "A one-backend") == a)
    #expect(report.value(table: "capacity-compare-table", row: "B two-backends") == b)
    #expect(report.value(table: "capacity-compare-table", row: "B two-backends", column: 4) == change)
    #expect(rows.last?.children.last?.textContent == expected)
    #expect(rows.first?.children.last?.textContent == "–")
    // Each run's own search follows, headed by its letter and name.
    for (letter, run) in [("A", fixture.one), ("B", fixture.two)] {
      let block = try #require(section.first(id: "capacity-run-\(letter)"))
      #expect(block.all("h3").first?.textContent == "\(letter) \(run.meta.name)")
      #expect(block.all("p", class: "lead").first?.textContent == run.summary?.capacity?.headline)
      #expect(
        block.first(id: "capacity-steps-\(letter)")?.all("tbody").first?.children.count
          == run.summary?.capacity?.steps.count)
    }
  }

  @Test("the events table lists every judged step and the answer, in time order")
  func eventsListTheSearch() throws {
    let run = try CapacityFixture.shared().one
    let capacity = try #require(run.summary?.capacity)
    let table = try #require(try Rendered(run).root.first(id: "events-table"))
    let rows = (table.all("tbody").first?.children ?? []).map { $0.children.map(\.textContent) }
    let steps = rows.filter { $0.count > 1 && $0[1] == "search step" }
    #expect(steps.count == capacity.steps.count, "\(rows)")
    for (row, step) in zip(steps, capacity.steps) {
      #expect(row[2] == "\(RateText.live(step.rate)) \(step.verdict.rawValue)", "\(row)")
    }
    #expect(rows.last.map { $0[1] == "capacity" && $0[2] == capacity.headline } == true, "\(rows.last ?? [])")
  }

  @Test func aRunWithoutASearchHasNoCapacitySection() throws {
    let fixtures = try FixtureRuns.shared()
    let plain = try Rendered(fixtures.oneBackend)
    #expect(plain.root.first(id: "capacity-search") == nil)
    #expect(plain.root.all("rect", class: "band").isEmpty)
    #expect(!plain.html.contains("class=\"band"))
    // Beside a plain run, the search is shown but there is nothing to compare it with.
    let mixed = try Rendered(try CapacityFixture.shared().one, compare: [fixtures.oneBackend])
    let section = try #require(mixed.root.first(id: "capacity-search"))
    #expect(section.first(id: "capacity-run-A") != nil && section.first(id: "capacity-run-B") == nil)
    #expect(section.first(id: "capacity-compare-table") == nil)
  }
}
