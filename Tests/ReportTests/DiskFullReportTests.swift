import Foundation
import Metrics
import RunFixtures
import RunStore
import TestKit
import Testing

@testable import Report

/// A run whose disk filled up, in the report: said from what happened, never as a kill.
@Suite(.timeLimit(.minutes(5))) struct DiskFullReportTests {
  /// The disk-full fixtures (with and without a summary), loaded and their files removed.
  static func runs() throws -> (withSummary: LoadedRun, withoutSummary: LoadedRun) {
    let directory = try TemporaryDirectory("rampart-disk-full")
    defer { directory.remove() }
    let root = directory.path
    return (
      try RunLoader.load(try CompareFixture.write(CompareFixture.diskFull, root: root)),
      try RunLoader.load(try CompareFixture.write(CompareFixture.diskFullNoSummary, root: root))
    )
  }

  @Test func aStoppedJournalWithItsSummaryIsFlaggedNotKilled() throws {
    let report = try Rendered(try Self.runs().withSummary)
    let flags = report.root.all("div", class: "flag").map(\.textContent)
    #expect(
      flags == [
        "JOURNAL STOPPED: journalling stopped at 0:31 (disk full): seconds after it are missing from the "
          + "series; the summary covers the whole run."
      ])
    let outcome = try #require(report.root.first(id: "runs-table")?.all("td", class: "outcome").first)
    #expect(outcome.has(class: "bad"))
    #expect(outcome.textContent.hasPrefix("complete; journalling stopped at 0:31 (disk full)"))
    // The summary's figures cover the whole run: exact percentiles, the full minute.
    #expect(report.root.all("p", class: "footnote").isEmpty)
    #expect(report.value(table: "runs-table", row: "Duration") == 60)
    let events = try #require(report.root.first(id: "events-table")).textContent
    #expect(events.contains("0:31journal stoppeddisk full"), "\(events)")
    #expect(!report.html.contains("killed"))
  }

  @Test func aStoppedJournalWithoutSummarySaysSoInsteadOfAKill() throws {
    let report = try Rendered(try Self.runs().withoutSummary)
    let flag = try #require(report.root.all("div", class: "flag").first).textContent
    #expect(
      flag
        == "INCOMPLETE: ended without a summary after journalling stopped at 0:31 (disk full); figures "
        + "rebuilt from 30 seconds, percentiles approximate.")
    let footnote = try #require(report.root.all("p", class: "footnote").first).textContent
    #expect(footnote.hasPrefix("≈ approximate: the run has no summary"))
    #expect(!report.html.contains("killed"))
  }

  @Test func theLegendOfAComparisonDoesNotCallItKilled() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(
      fixtures.oneBackend, compare: [try Self.runs().withoutSummary, fixtures.killed])
    let legend = report.root.all("ul", class: "legend").first?.textContent ?? ""
    #expect(legend.contains("disk-full-no-summary INCOMPLETE (no summary)"), "\(legend)")
    #expect(legend.contains("killed INCOMPLETE (killed)"), "\(legend)")
  }
}
