import Foundation
import Metrics
import RunStore
import Testing
import Vocabulary

@testable import Report

/// The Target lane of the report: what the watched sources used, on the time axis of the other
/// charts, one line per source with gaps where a source was not read.
@Suite(.timeLimit(.minutes(5))) struct TargetLaneReportTests {
  @Test func watchedRunHasCPUAndMemoryChartsAfterVusers() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.watchedOneBackend)
    #expect(
      report.charts.map { $0.id ?? "" } == [
        "chart-tps", "chart-latency", "chart-errors", "chart-vusers", "chart-target-cpu",
        "chart-target-memory", "chart-log-errors",
      ])
    let cpu = try #require(report.chart("chart-target-cpu"))
    let memory = try #require(report.chart("chart-target-memory"))
    #expect(cpu.all("figcaption").first?.textContent == "Target CPU")
    #expect(memory.all("figcaption").first?.textContent == "Target memory")
    #expect(cpu.all("text", class: "y").first?.textContent == "CPU cores (CPU seconds per second)")
    #expect(memory.all("text", class: "y").first?.textContent == "resident memory (MiB)")
    #expect(cpu.all("text", class: "x").first?.textContent == "elapsed time (m:ss)")
    // The same time axis as the throughput chart: the same tick labels.
    let ticks = { (chart: HTMLNode) in
      chart.all("text", class: "tick").map(\.textContent).filter { $0.contains(":") }
    }
    #expect(ticks(cpu) == ticks(try #require(report.chart("chart-tps"))))
    // The run's tag and knee are marked here too.
    #expect(cpu.all("line", class: "tag").count == 1)
    #expect(cpu.all("line", class: "knee").count == 1)
  }

  @Test func oneLinePerSourceNamedInTheLegend() throws {
    let fixtures = try FixtureRuns.shared()
    let run = fixtures.watchedOneBackend
    let watch = try #require(run.summary?.watch)
    let report = try Rendered(run)
    for id in ["chart-target-cpu", "chart-target-memory"] {
      let chart = try #require(report.chart(id))
      let lines = chart.all("path", class: "line")
      let names = lines.map { $0.all("title").first?.textContent ?? "" }
      #expect(names.map { $0.components(separatedBy: " · ")[0] } == ["nginx", "uvicorn"], "\(id)")
      // Each in its own palette colour, each named in the legend.
      #expect(Set(lines.compactMap { $0.attributes["stroke"] }).count == 2, "\(id)")
      let legend = chart.all("ul", class: "legend").first?.all("li").filter { !$0.has(class: "key") }
        .map(\.textContent)
      #expect(legend == names, "\(id)")
    }
    let cpu = try #require(report.chart("chart-target-cpu"))
    let uvicornPeak = try #require(watch["uvicorn"]?.cpuCoresPeak)
    let legend = cpu.all("ul", class: "legend").first?.all("li").map(\.textContent) ?? []
    #expect(legend.contains("uvicorn · peak \(CoresText.withUnit(uvicornPeak))"))
    let memory = try #require(report.chart("chart-target-memory"))
    let rssPeak = try #require(watch["uvicorn"]?.rssBytesPeak)
    #expect(
      memory.all("li").map(\.textContent).contains(
        "uvicorn · peak \(ByteSize.format(rssPeak, style: .report))"))
  }

  /// 1:10 to 1:13 uvicorn was not read: its line stops and starts again (two subpaths), nginx's
  /// does not, and no point of uvicorn's line is drawn at zero.
  @Test func aSourceNotReadIsAGapNotAZero() throws {
    let fixtures = try FixtureRuns.shared()
    let run = fixtures.watchedOneBackend
    #expect(run.samples.contains { $0.watch != nil && $0.watch?["uvicorn"] == nil })
    let report = try Rendered(run)
    for id in ["chart-target-cpu", "chart-target-memory"] {
      let chart = try #require(report.chart(id))
      let paths = Dictionary(
        chart.all("path", class: "line").map {
          (
            ($0.all("title").first?.textContent ?? "").components(separatedBy: " · ")[0],
            $0.attributes["d"] ?? ""
          )
        }, uniquingKeysWith: { a, _ in a })
      #expect(paths["uvicorn"]?.filter { $0 == "M" }.count == 2, "\(id)")
      #expect(paths["nginx"]?.filter { $0 == "M" }.count == 1, "\(id)")
    }
    // Where the gap is, in plot coordinates: no uvicorn point between 1:10 and 1:13.
    let points = ReportTargetCharts.line(
      "uvicorn", "#000", nil, ReportRun(run, index: 0), "uvicorn", \.cpuCores
    )
    .points
    let inGap = points.filter { $0.x > 70 && $0.x < 73 }
    #expect(inGap.count == 3 && inGap.allSatisfy { !$0.y.isFinite })
    #expect(Chart.segments(points).count == 2)
  }

  @Test func saturationNoteInTheSummarysWords() throws {
    let fixtures = try FixtureRuns.shared()
    let run = fixtures.watchedOneBackend
    let notes = try #require(run.summary?.saturation)
    #expect(notes.map(\.source) == ["uvicorn"])
    let report = try Rendered(run)
    let cpu = try #require(report.chart("chart-target-cpu"))
    let note = cpu.all("p", class: "chart-note").map(\.textContent)
    #expect(note == ["saturation: " + notes[0].text])
    #expect(note.first?.hasPrefix("saturation: uvicorn CPU flat at") == true)
    #expect(report.chart("chart-target-memory")?.all("p", class: "chart-note").isEmpty == true)
  }

  @Test func absentWhenNothingWasWatched() throws {
    let fixtures = try FixtureRuns.shared()
    for run in [fixtures.oneBackend, fixtures.killed] {
      let report = try Rendered(run)
      #expect(!report.charts.contains { ($0.id ?? "").contains("target") })
      #expect(report.root.all("p", class: "chart-note").isEmpty)
    }
    let compared = try Rendered(fixtures.oneBackend, compare: [fixtures.twoBackends])
    #expect(!compared.charts.contains { ($0.id ?? "").contains("target") })
    #expect(!compared.html.contains("delta-watch."))
  }

  @Test func comparedRunsOverlayEveryRunsSources() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.watchedOneBackend, compare: [fixtures.watchedTwoBackends])
    let overlay = try #require(report.chart("overlay-target-cpu"))
    let lines = overlay.all("path", class: "line")
    #expect(
      lines.map { ($0.all("title").first?.textContent ?? "").components(separatedBy: " · ")[0] } == [
        "A nginx", "A uvicorn", "B nginx", "B uvicorn",
      ])
    // Coloured by run, a dash per source.
    #expect(
      lines.map { $0.attributes["stroke"] ?? "" } == [
        ReportPalette.runs[0], ReportPalette.runs[0], ReportPalette.runs[1], ReportPalette.runs[1],
      ])
    #expect(lines.map { $0.attributes["stroke-dasharray"] } == [nil, "9 5", nil, "9 5"])
    // A's own lane is in the detail section too.
    #expect(report.chart("chart-target-cpu") != nil)
  }

  /// The delta table reads each source side by side: two backends reach about twice one's CPU,
  /// no value marked better.
  @Test func deltaTableHasTheTargetRows() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.watchedOneBackend, compare: [fixtures.watchedTwoBackends])
    // Column 0 is the Better cell; A and B follow.
    for title in ["uvicorn CPU peak", "uvicorn CPU mean", "uvicorn memory peak", "nginx CPU peak"] {
      #expect(report.value(table: "delta-table", row: title, column: 1) != nil, "\(title)")
    }
    let a = try #require(report.value(table: "delta-table", row: "uvicorn CPU peak", column: 1))
    let b = try #require(report.value(table: "delta-table", row: "uvicorn CPU peak", column: 2))
    #expect(b / a > 1.9 && b / a < 2.1)
    let row = try #require(
      report.root.first(id: "delta-table")?.all("tr", class: "delta-watch.uvicorn.cpu_cores_peak").first)
    #expect(row.all("td", class: "better").first?.textContent == "neither")
    #expect(row.all("td", class: "best").isEmpty)
    #expect(row.all("td", class: "change").first?.textContent.hasPrefix("+") == true)
  }
}
