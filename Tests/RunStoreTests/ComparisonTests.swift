import Foundation
import Metrics
import RunFixtures
import SnapshotSupport
import Testing
import Vocabulary

@testable import RunStore

/// The fixture runs, written per test through the real journal and read back.
typealias FixtureRuns = LoadedFixtures

@Suite(.timeLimit(.minutes(5))) struct ComparisonTests {
  @Test func deltaJSONOfOneBackendAgainstTwo() throws {
    let f = try FixtureRuns()
    let comparison = try RunComparison([f.oneBackend, f.twoBackends], axis: .time)
    expectTextSnapshot(f.normalised(comparison.json(pretty: true)), named: "delta-2-runs", ext: "json")
  }

  @Test func deltaJSONWithAKilledAndAnAbortedRun() throws {
    let f = try FixtureRuns()
    let comparison = try RunComparison([f.twoBackends, f.killed, f.stages], axis: .vusers)
    expectTextSnapshot(f.normalised(comparison.json(pretty: true)), named: "delta-3-runs-vusers", ext: "json")
  }

  @Test func twoBackendsDoubleTheCapacityAndMoveTheKnee() throws {
    let f = try FixtureRuns()
    let comparison = try RunComparison([f.oneBackend, f.twoBackends], axis: .vusers)
    let row = { (key: String) in try #require(comparison.rows.first { $0.key == key }) }
    let peak = try row("tps_peak")
    #expect(peak.best == 1)
    let gain = try #require(peak.deltaPercent[1])
    #expect(gain > 80 && gain < 120)
    // One backend saturates at 20 vusers (200/s); both runs reach 60, where B has twice the TPS
    // and a lower response time.
    #expect(comparison.commonVusers == 60)
    #expect(try row("tps_at_vusers").best == 1)
    #expect(try row("mtt_at_vusers").best == 1)
    let knees = try row("knee_vusers").values.map { try #require($0) }
    #expect(abs(knees[0] - 20) <= 3)
    #expect(abs(knees[1] - 40) <= 4)
    // Only the one-backend run logged errors: fewer is better.
    #expect(try row("log_errors.BrokenPipeError").best == 1)
    #expect(comparison.notes.isEmpty)
  }

  @Test func killedAbortedAndDifferentPlansAndTagsAreFlagged() throws {
    let f = try FixtureRuns()
    let comparison = try RunComparison([f.twoBackends, f.killed, f.stages], axis: .time)
    let notes = comparison.notes.joined(separator: "\n")
    #expect(notes.contains("B (killed) is incomplete"))
    #expect(notes.contains("C (stages) was aborted by user at 0:52"))
    #expect(notes.contains("B (killed): 1 unreadable journal line(s) skipped"))
    #expect(notes.contains("plans differ"))
    #expect(notes.contains("tags differ: A 'knee?' 0:50; B 'before-kill' 0:30; C none"))
    // DUR-02: the killed run keeps every whole second before the kill.
    #expect(f.killed.samples.count == 40)
    #expect(f.killed.discardedLines == 1)
    #expect(!comparison.runs[1].figures.exactPercentiles)
  }

  @Test func runCountIsTwoToFour() throws {
    let f = try FixtureRuns()
    #expect(throws: CompareError.runCount(1)) { try RunComparison([f.oneBackend], axis: .time) }
    let five = f.runs + [f.oneBackend]
    #expect(throws: CompareError.runCount(5)) { try RunComparison(five, axis: .time) }
    #expect(try RunComparison(f.runs, axis: .time).runs.map(\.letter) == ["A", "B", "C", "D"])
  }

  @Test func tiesEarnNoMark() {
    let row = DeltaRow(key: "k", title: "t", unit: "/s", better: .higher, values: [100, 100.2, nil])
    #expect(row.best == nil)
    #expect(row.deltaPercent[2] == nil)
    let lower = DeltaRow(key: "k", title: "t", unit: "ms", better: .lower, values: [30, 20])
    #expect(lower.best == 1)
    #expect(PercentText.change(lower.deltaPercent[1]) == "-33%")
  }

  @Test func capacityCurveIsReadBetweenSteps() {
    let points = [
      CapacityPoint(vusers: 10, tps: 100, mttMs: 20, p99Ms: 40, errorRate: 0, seconds: 5),
      CapacityPoint(vusers: 20, tps: 200, mttMs: 30, p99Ms: 60, errorRate: 0, seconds: 5),
    ]
    #expect(CapacityCurve.value(at: 15, in: points, \.tps) == 150)
    #expect(CapacityCurve.value(at: 20.4, in: points, \.mttMs) == 30)
    #expect(CapacityCurve.value(at: 25, in: points, \.tps) == nil)
    #expect(CapacityCurve.value(at: 5, in: [], \.tps) == nil)
  }
}

@Suite(.timeLimit(.minutes(5))) struct CatalogTests {
  @Test func runsAreFoundByNameDirectoryOrUniquePrefix() throws {
    let f = try FixtureRuns()
    #expect(try RunCatalog.resolve("two-backends", root: f.root) == f.directories[1])
    #expect(try RunCatalog.resolve(f.directories[2], root: f.root) == f.directories[2])
    let base = (f.directories[3] as NSString).lastPathComponent
    #expect(try RunCatalog.resolve(base, root: f.root) == f.directories[3])
    #expect(try RunCatalog.resolve("sta", root: f.root) == f.directories[3])
    #expect(try RunCatalog.resolve("one", root: f.root) == f.directories[0])
    #expect(throws: RunLookupError.notFound("nope", root: f.root)) {
      try RunCatalog.resolve("nope", root: f.root)
    }
    // Every directory name starts with the date: a bare date prefix is ambiguous.
    #expect(throws: RunLookupError.self) { try RunCatalog.resolve("2026", root: f.root) }
  }

  @Test func theNewestRunOfANameWins() throws {
    let f = try FixtureRuns()
    var again = CompareFixture.oneBackend
    again.startMinute = 90
    let newer = try CompareFixture.write(again, root: f.root)
    #expect(try RunCatalog.resolve("one-backend", root: f.root) == newer)
  }

  @Test func theRunTableFlagsKilledAndAbortedRuns() throws {
    let f = try FixtureRuns()
    let rows = RunCatalog.list(root: f.root, depth: .summaryOnly).map(RunTable.Row.init)
    #expect(rows.map(\.status) == ["complete", "complete", "incomplete", "aborted"])
    // A listing from summaries alone says what the whole runs say.
    #expect(rows == RunCatalog.list(root: f.root).map(RunTable.Row.init))
    expectTextSnapshot(RunTable.text(rows), named: "runs-table")
  }

  @Test func aDirectoryThatIsNotARunIsSkipped() throws {
    let f = try FixtureRuns()
    try FileManager.default.createDirectory(atPath: "\(f.root)/notes", withIntermediateDirectories: true)
    #expect(RunCatalog.list(root: f.root).count == 4)
  }
}

@Suite(.timeLimit(.minutes(5))) struct SeriesCSVTests {
  @Test func everyRowHasTheSameColumns() throws {
    let f = try FixtureRuns()
    let text = SeriesCSV.text(f.oneBackend.samples)
    let lines = text.split(separator: "\r\n")
    #expect(lines.count == f.oneBackend.samples.count + 1)
    let header = lines[0].split(separator: ",")
    #expect(header.starts(with: ["t", "duration_s", "vusers"]))
    #expect(header.contains("errors.http_5xx"))
    #expect(header.contains("status.503"))
    #expect(header.contains("log_errors.BrokenPipeError"))
    #expect(
      lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == header.count })
    let total = lines.dropFirst().reduce(0) { $0 + Int($1.split(separator: ",")[6])! }
    #expect(total == f.oneBackend.summary?.ok)
  }

  @Test func numbersAndFieldsAreWrittenPlainly() {
    #expect(SeriesCSV.number(12.5) == "12.5")
    #expect(SeriesCSV.number(3) == "3")
    #expect(SeriesCSV.number(0.00049) == "0")
    #expect(SeriesCSV.number(1e12) == "1000000000000")
    #expect(SeriesCSV.field("a,b") == "\"a,b\"")
    #expect(SeriesCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
  }
}

@Suite(.timeLimit(.minutes(5))) struct RunStoreEdgeTests {
  @Test func aListingNeverCarriesControlCharacters() {
    #expect(RunTable.printable("evil\u{1B}]0;title\u{07}name") == "evil?]0;title?name")
    #expect(RunTable.printable("plain-name") == "plain-name")
  }

  @Test func longSampleLinesAreCutAtACharacterBoundary() {
    let text = String(repeating: "é", count: LogSample.maxBytes)  // two bytes each
    let cut = LogSample(elapsed: 0, errorClass: "x", source: "s", text: text).text
    #expect(cut.hasSuffix("…"))
    #expect(!cut.contains("\u{FFFD}"))
    #expect(cut.utf8.count <= LogSample.maxBytes + "…".utf8.count)
  }
}
