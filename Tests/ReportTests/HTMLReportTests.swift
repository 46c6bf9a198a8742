import Foundation
import Metrics
import RunStore
import TestKit
import Testing
import Vocabulary

@testable import Report

/// Renders the fixture runs and reads the report back as a tree.
struct Rendered {
  let html: String
  let root: HTMLNode

  init(_ run: LoadedRun, compare: [LoadedRun] = [], axis: CompareAxis = .time) throws {
    html = try HTMLReport.render(run, compare: compare, axis: axis, generatedAt: FixtureRuns.generatedAt)
    root = try HTMLTree.parse(html)
  }

  var charts: [HTMLNode] { root.all("figure", class: "chart") }

  func chart(_ id: String) -> HTMLNode? { charts.first { $0.id == id } }

  /// The `data-value` of the cell in the row whose header is `row`, column `column` (0 = first
  /// data cell).
  func value(table id: String, row: String, column: Int = 0) -> Double? {
    guard let table = root.first(id: id) else { return nil }
    let tr = table.all("tr").first {
      $0.children.first?.name == "th" && $0.children.first?.textContent == row
    }
    let cells = tr?.children.filter { $0.name == "td" } ?? []
    return column < cells.count ? cells[column].attributes["data-value"].flatMap(Double.init) : nil
  }
}

@Suite(.timeLimit(.minutes(5))) struct HTMLReportTests {
  @Test func oneDocumentWithHeadAndBody() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    #expect(report.html.hasPrefix("<!DOCTYPE html>"))
    #expect(report.html.components(separatedBy: "<html").count == 2)
    #expect(report.root.children.map(\.name) == ["html"])
    let html = report.root.children[0]
    #expect(html.attributes["lang"] == "en")
    #expect(html.children.map(\.name) == ["head", "body"])
    #expect(report.root.all("title").first?.textContent == "rampart report: one-backend")
    #expect(report.root.all("meta").contains { $0.attributes["charset"]?.lowercased() == "utf-8" })
    #expect(report.root.all("style").count == 1)
    #expect(report.root.all("h1").map(\.textContent) == ["one-backend"])
  }

  @Test func titleAndPlan() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    let table = try #require(report.root.first(id: "runs-table"))
    let rows = Dictionary(
      table.all("tr").compactMap { tr -> (String, String)? in
        guard let th = tr.children.first, th.name == "th", tr.children.count == 2 else { return nil }
        return (th.textContent, tr.children[1].textContent)
      }, uniquingKeysWith: { first, _ in first })
    #expect(rows["Name"] == "one-backend")
    #expect(rows["Target"] == "http://127.0.0.1:18080/")
    #expect(rows["Method"] == "GET")
    #expect(rows["Plan"] == "ramp 5 -> 60 step 5/8s")
    #expect(rows["Started (UTC)"] == "2026-11-18 11:06:40 UTC")
    #expect(rows["Duration"] == "1:36 (96 s)")
    #expect(rows["Outcome"] == "complete")
    #expect(rows["rampart version"] == "0.1.0")
    #expect(rows["Command"] == "rampart run http://127.0.0.1:18080/ --name one-backend")
  }

  @Test func everyChartIsOneSVGWithAxesGridAndLabels() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    #expect(
      report.charts.map { $0.id ?? "" } == [
        "chart-tps", "chart-latency", "chart-errors", "chart-vusers", "chart-log-errors",
      ])
    #expect(report.root.all("svg").count == report.charts.count)
    for chart in report.charts {
      let svgs = chart.all("svg")
      #expect(svgs.count == 1, "\(chart.id ?? "")")
      guard let svg = svgs.first else { continue }
      #expect(svg.attributes["viewBox"] != nil)
      #expect(svg.attributes["role"] == "img")
      let caption = chart.all("figcaption").first?.textContent ?? ""
      #expect(!caption.isEmpty)
      let titles = svg.all("text", class: "axis-title")
      #expect(titles.filter { $0.has(class: "x") }.map(\.textContent) == ["elapsed time (m:ss)"])
      let yTitle = titles.first { $0.has(class: "y") }?.textContent ?? ""
      #expect(!yTitle.isEmpty, "\(chart.id ?? "") has no y axis title")
      #expect(svg.all("line", class: "axis").count == 2)
      #expect(svg.all("line", class: "grid").count >= 4)
      let ticks = svg.all("text", class: "tick").map(\.textContent)
      #expect(ticks.contains("0:00") && ticks.contains("1:30"), "\(chart.id ?? ""): \(ticks)")
      #expect(!chart.all("li").isEmpty, "\(chart.id ?? "") has no legend")
    }
    let units = report.charts.map { $0.all("text", class: "y").first?.textContent ?? "" }
    #expect(
      units == [
        "requests per second", "milliseconds (ms)", "errors per second", "vusers", "log errors per second",
      ])
    let latency = try #require(report.chart("chart-latency"))
    #expect(
      latency.all("path", class: "line").map { $0.all("title").first?.textContent } == [
        "MTT (mean)", "p95", "p99",
      ])
  }

  @Test func tagsPausesAndKneeAreMarkedOnEveryChart() throws {
    let fixtures = try FixtureRuns.shared()
    let run = fixtures.pausedOneBackend
    let knee = try #require(RunFigures(run).knee)
    let report = try Rendered(run)
    #expect(report.charts.count == 5)
    for chart in report.charts {
      let id = chart.id ?? ""
      let tags = chart.all("line", class: "tag")
      #expect(tags.count == 1, "\(id)")
      #expect(chart.all("text", class: "marker-label").contains { $0.textContent == "knee?" }, "\(id)")
      #expect(chart.all("line", class: "knee").count == 1, "\(id)")
      #expect(
        chart.all("text", class: "marker-label").contains {
          $0.textContent.hasPrefix("knee \(knee.vusers) vusers · ")
        }, "\(id)")
      let pauses = chart.all("rect", class: "pause")
      #expect(pauses.count == 1, "\(id)")
      #expect(pauses.first?.all("title").first?.textContent == "paused")
    }
    #expect(report.chart("chart-tps")?.all("path", class: "knee-dot").count == 1)
    let events = try #require(report.root.first(id: "events-table"))
    let kinds = events.all("td").map(\.textContent)
    #expect(kinds.contains("tag") && kinds.contains("pause") && kinds.contains("knee"))
  }

  @Test func tablesCarryTheSummaryFigures() throws {
    let fixtures = try FixtureRuns.shared()
    let summary = try #require(fixtures.oneBackend.summary)
    let report = try Rendered(fixtures.oneBackend)
    #expect(report.value(table: "totals-table", row: "Requests") == Double(summary.requests))
    #expect(report.value(table: "totals-table", row: "Errors") == Double(summary.errors))
    #expect(report.value(table: "totals-table", row: "Error rate") == summary.errorRate)
    #expect(report.value(table: "totals-table", row: "Mean TPS") == summary.tps)
    #expect(report.value(table: "totals-table", row: "Peak TPS") == summary.tpsPeak)
    #expect(report.value(table: "totals-table", row: "Peak vusers") == Double(summary.vusersPeak))
    #expect(report.value(table: "totals-table", row: "Bytes received") == Double(summary.bytesIn))
    #expect(report.value(table: "totals-table", row: "Bytes sent") == Double(summary.bytesOut))
    #expect(report.value(table: "totals-table", row: "Knee") == summary.knee.map { Double($0.vusers) })
    let expected = [
      summary.minMs, summary.mttMs, summary.p50Ms, summary.p90Ms, summary.p95Ms, summary.p99Ms, summary.maxMs,
    ]
    let percentiles = (0..<7).map { report.value(table: "percentiles-table", row: "one-backend", column: $0) }
    #expect(percentiles == expected)
    let head = report.root.first(id: "percentiles-table")?.all("thead").first?.all("th").map(\.textContent)
    #expect(head == ["Run", "min", "mean (MTT)", "p50", "p90", "p95", "p99", "max"])
    #expect(!summary.errorsByKind.isEmpty)
    for (kind, count) in summary.errorsByKind {
      #expect(report.value(table: "errors-table", row: kind) == Double(count))
    }
    for (code, count) in summary.statusCodes {
      #expect(report.value(table: "status-table", row: code) == Double(count))
    }
    let logErrors = try #require(summary.logErrors)
    for (name, count) in logErrors {
      #expect(report.value(table: "log-errors-table", row: name) == Double(count))
    }
    // The text shows the same figure.
    let requests = report.root.first(id: "totals-table")?.all("td").first?.textContent
    #expect(requests == CountText.grouped(summary.requests))
  }

  @Test func logSamplesAreShownAsInertText() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    #expect(!report.html.lowercased().contains("<script"))
    #expect(report.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(!report.html.unicodeScalars.contains { CleanText.isRemoved($0) && $0 != "\n" })
    let samples = report.root.all("pre", class: "log").map(\.textContent)
    #expect(samples.count == 6)
    #expect(samples.contains("BrokenPipeError: [Errno 32] Broken pipe <script>alert(1)</script>"))
    #expect(
      samples.contains {
        $0.hasPrefix("upstream timed out (110: Connection timed out)") && $0.hasSuffix(" [31m")
      })
    let classes = report.root.first(id: "log-errors")?.all("h3").map(\.textContent)
    #expect(Set(classes ?? []) == ["BrokenPipeError", "upstream_timed_out"])
  }

  @Test func nothingIsFetchedOrRun() throws {
    let fixtures = try FixtureRuns.shared()
    for report in [
      try Rendered(fixtures.oneBackend),
      try Rendered(fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed], axis: .vusers),
    ] {
      let elements = report.root.descendants
      for banned in ["script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject"] {
        #expect(!elements.contains { $0.name == banned }, "<\(banned)> in the report")
      }
      for element in elements {
        for (name, value) in element.attributes {
          #expect(!name.lowercased().hasPrefix("on"), "event handler \(name)")
          #expect(!["src", "href", "xlink:href", "srcset", "action"].contains(name.lowercased()), "\(name)")
          #expect(!value.contains("http://") && !value.contains("https://"), "\(name)=\(value)")
          #expect(!value.contains("url("), "\(name)=\(value)")
        }
      }
      let css = report.root.all("style").map(\.textContent).joined()
      #expect(!css.contains("url(") && !css.contains("@import") && !css.contains("http"))
      // http:// appears only as text: the target's URL.
      #expect(report.html.contains("http://127.0.0.1:18080/"))
    }
  }

  @Test func killedRunIsFlaggedInWords() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.killed)
    let flag = try #require(report.root.all("div", class: "flag").first)
    #expect(flag.textContent.contains("INCOMPLETE"))
    #expect(
      flag.textContent.contains("INCOMPLETE: killed before its summary; figures rebuilt from 40 seconds"))
    let flags = report.root.all("div", class: "flag").map(\.textContent)
    #expect(flags.count == 2 && flags[1].contains("1 unreadable journal line(s) were left out"))
    let outcome = report.root.first(id: "runs-table")?.all("td", class: "outcome").first
    #expect(outcome?.has(class: "bad") == true)
    #expect(outcome?.textContent.hasPrefix("INCOMPLETE") == true)
    #expect(report.root.all("p", class: "footnote").first?.textContent.hasPrefix("≈ approximate") == true)
    let stages = try Rendered(fixtures.stages)
    #expect(
      stages.root.all("div", class: "flag").first?.textContent.contains(
        "ABORTED: stopped by the user at 0:52") == true)
    let complete = try Rendered(fixtures.oneBackend)
    #expect(complete.root.all("div", class: "flag").isEmpty)
  }

  @Test func comparisonOverlaysCurvesAndDeltaTable() throws {
    let fixtures = try FixtureRuns.shared()
    let others = [fixtures.twoBackends, fixtures.killed, fixtures.stages]
    let comparison = try RunComparison([fixtures.oneBackend] + others, axis: .vusers)
    let report = try Rendered(fixtures.oneBackend, compare: others, axis: .vusers)
    #expect(report.root.all("h1").first?.textContent == "one-backend vs two-backends vs killed vs stages")

    // Notes first, every one of them.
    let notes = try #require(report.root.first(id: "notes"))
    #expect(notes.all("li").map(\.textContent) == comparison.notes)
    #expect(comparison.notes.contains { $0.contains("incomplete") })
    #expect(comparison.notes.contains { $0.contains("plans differ") })
    #expect(comparison.notes.contains { $0.contains("tags differ") })
    let sections = report.root.all("section").compactMap(\.id)
    #expect(sections.first == "notes")

    // Legend: letter and name of every run, in its colour.
    let legend = try #require(report.root.first(id: "comparison")?.all("ul", class: "runs").first)
    #expect(
      legend.all("li").map(\.textContent) == [
        "A one-backend", "B two-backends", "C killed INCOMPLETE (killed)", "D stages ABORTED (user)",
      ])
    for (i, item) in legend.all("li").enumerated() {
      #expect(item.all("span").first?.attributes["style"]?.contains(ReportPalette.run(i)) == true)
    }

    // Overlays by time and capacity curves, one line per run in its colour.
    let overlays = ["overlay-tps", "overlay-mtt", "overlay-p99", "overlay-errors", "overlay-vusers"]
    let curves = ["capacity-tps", "capacity-mtt", "capacity-p99"]
    for id in overlays + curves {
      let chart = try #require(report.chart(id), "\(id)")
      let lines = chart.all("path", class: "line")
      #expect(lines.map { $0.attributes["stroke"] } == (0..<4).map { ReportPalette.run($0) }, "\(id)")
      #expect(
        lines.map { $0.all("title").first?.textContent } == comparison.runs.map { "\($0.letter) \($0.name)" })
      let labels = chart.all("text", class: "marker-label").map(\.textContent)
      #expect(
        labels.contains("A: knee?") && labels.contains("B: knee?") && labels.contains("C: before-kill"),
        "\(id)")
      for run in comparison.runs {
        guard let knee = run.figures.knee else { continue }
        #expect(
          labels.contains { $0.hasPrefix("\(run.letter): knee \(knee.vusers) vusers") }, "\(id) \(run.letter)"
        )
      }
    }
    for id in curves {
      #expect(report.chart(id)?.all("text", class: "x").first?.textContent == "active virtual users (vusers)")
      #expect((report.chart(id)?.all("circle", class: "dot").count ?? 0) >= 8)
    }

    // Delta table: the better value marked in text, the change against A.
    let delta = try #require(report.root.first(id: "delta-table"))
    let head = delta.all("thead").first?.all("th").map(\.textContent)
    #expect(
      head == [
        "Figure", "Better", "A one-backend", "B two-backends", "C killed", "D stages", "B vs A", "C vs A",
        "D vs A",
      ])
    let rows = delta.all("tbody").first?.children ?? []
    #expect(rows.count == comparison.rows.count)
    var marks = 0
    for (row, tr) in zip(comparison.rows, rows) {
      #expect(tr.children.first?.textContent == row.title)
      let cells = tr.children.filter { $0.name == "td" }
      #expect(cells[0].textContent == (row.better == .higher ? "higher" : "lower"))
      for i in 0..<4 {
        let cell = cells[1 + i]
        // The best value, and any value equal to it (a tie), carry the mark.
        let isBest = row.best.map { row.values[i] != nil && row.values[i] == row.values[$0] } ?? false
        marks += isBest ? 1 : 0
        #expect(cell.has(class: "best") == isBest, "\(row.key) \(i)")
        #expect(cell.textContent.hasSuffix(" ★ best") == isBest, "\(row.key) \(i)")
        #expect(cell.textContent.hasPrefix(DeltaFormat.value(row.values[i], unit: row.unit)))
        if i > 0 {
          let change = PercentText.change(row.deltaPercent[i])
          #expect(cells[4 + i].textContent == (change.isEmpty ? "–" : change), "\(row.key) \(i)")
        }
      }
    }
    #expect(marks > 0)
    #expect(delta.all("span", class: "mark").count == marks)
    let peak = try #require(comparison.rows.first { $0.key == "tps_peak" })
    #expect(peak.best == 1)  // two backends: twice the capacity
  }

  @Test func byTimeThereAreNoCapacityCurves() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend, compare: [fixtures.twoBackends])
    #expect(report.root.first(id: "capacity") == nil)
    #expect(report.root.first(id: "overlays") != nil)
    #expect(report.root.first(id: "notes")?.has(class: "ok") == true)
    #expect(report.charts.count == 5 + 5)
  }

  @Test func tooManyRunsIsAnError() throws {
    let fixtures = try FixtureRuns.shared()
    let others = [fixtures.twoBackends, fixtures.killed, fixtures.stages, fixtures.oneBackend]
    #expect(throws: CompareError.runCount(5)) {
      try HTMLReport.render(fixtures.oneBackend, compare: others, generatedAt: FixtureRuns.generatedAt)
    }
  }

  @Test func hostileNamesAndLabelsStayText() throws {
    let fixtures = try FixtureRuns.shared()
    var run = fixtures.oneBackend
    let name = "x\"><script>alert(1)</script><b a='"
    run.meta.name = name
    run.meta.plan = "a &lt; b & c &amp; d"
    run.meta.command = ["rampart", "run", "--header", "X: \u{1B}]0;owned\u{07}\u{202E}"]
    run.events.append(
      RunEvent(
        elapsed: 10, time: run.meta.startedAt, kind: .tag, label: "<img src=x onerror=alert(1)>\u{9B}2J"))
    run.summary?.tags?.append(.init(elapsedS: 10, label: "<img src=x onerror=alert(1)>\u{9B}2J"))
    run.logSamples.append(
      LogSample(
        elapsed: 3, errorClass: "Traceback", source: "app.log", text: "line one\n\tline two\r\nend\u{1B}[2J"))
    let report = try Rendered(run)
    #expect(!report.html.lowercased().contains("<script"))
    #expect(!report.html.lowercased().contains("<img"))
    #expect(!report.html.unicodeScalars.contains { CleanText.isRemoved($0) && $0 != "\n" })
    #expect(report.root.all("h1").first?.textContent == name)
    #expect(report.root.all("title").first?.textContent == "rampart report: \(name)")
    let plan = report.root.first(id: "runs-table")?.all("td").first { $0.textContent.hasPrefix("a &") }
    #expect(plan?.textContent == "a &lt; b & c &amp; d")
    #expect(
      report.chart("chart-tps")?.all("text", class: "marker-label").contains {
        $0.textContent == "<img src=x onerror=alert(1)>2J"
      } == true)
    let traceback = report.root.all("pre", class: "log").last
    #expect(traceback?.textContent == "line one\tline twoend[2J")
    #expect(traceback?.all("br").count == 2)
  }

  @Test func cleanTextRemovesControlsAndOverrides() {
    #expect(
      CleanText.line("a\u{1B}[31mb\u{07}c\u{7F}d\u{9B}e\u{0}f\tg\u{202E}h\u{2066}i") == "a[31mbcdef\tghi")
    #expect(CleanText.line("plain ünïcode ✓") == "plain ünïcode ✓")
    #expect(CleanText.lines("a\r\nb\nc\rd") == ["a", "b", "c", "d"])
    #expect(Markup.escapeAttribute("a\"b<c>d&e") == "a&quot;b&lt;c&gt;d&amp;e")
  }

  @Test func ticksAreRound() {
    #expect(Ticks.nice(max: 187) == [0, 50, 100, 150, 200])
    #expect(Ticks.nice(max: 0) == [0, 1])
    #expect(Ticks.nice(max: 0.42) == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    #expect(Ticks.time(max: 96) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
    #expect(Ticks.time(max: 3600).count <= 13)
    #expect(NiceScale.tickLabel(2500, step: 500, style: .report) == "2,500")
    #expect(CountText.grouped(1_234_567) == "1,234,567")
  }

  @Test func longRunsAreAveragedIntoFewerPoints() {
    let points = (0..<3600).map { Chart.Point(x: Double($0), y: Double($0 % 10)) }
    let reduced = ReportCharts.downsample(points)
    #expect(reduced.count == ReportCharts.maxPoints)
    #expect(reduced.first == Chart.Point(x: 1, y: 1))
  }

  @Test func reportFileIsReplacedAtomically() throws {
    let temporary = try TemporaryDirectory("rampart-report")
    defer { temporary.remove() }
    let directory = temporary.path
    let path = "\(directory)/report.html"
    try ReportFile.write("old", to: path)
    try ReportFile.write("new", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o644)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.html"])
    #expect(throws: ReportFile.WriteError.self) {
      try ReportFile.write("x", to: "\(directory)/missing/report.html")
    }
  }
}
