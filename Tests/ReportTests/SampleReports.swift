import Foundation
import Testing

@testable import Report

/// `RAMPART_REPORT_SAMPLES=DIR swift test --filter SampleReports` writes the fixture reports to
/// DIR to look at them in a browser; skipped otherwise.
@Test(
  .enabled(if: ProcessInfo.processInfo.environment["RAMPART_REPORT_SAMPLES"] != nil), .timeLimit(.minutes(5)))
func writeSampleReports() throws {
  let directory = ProcessInfo.processInfo.environment["RAMPART_REPORT_SAMPLES"]!
  let fixtures = try FixtureRuns.shared()
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  let reports = [
    ("single", try HTMLReport.render(fixtures.pausedOneBackend, generatedAt: FixtureRuns.generatedAt)),
    ("killed", try HTMLReport.render(fixtures.killed, generatedAt: FixtureRuns.generatedAt)),
    (
      "compare-time",
      try HTMLReport.render(
        fixtures.oneBackend, compare: [fixtures.twoBackends], generatedAt: FixtureRuns.generatedAt)
    ),
    (
      "compare-vusers",
      try HTMLReport.render(
        fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed, fixtures.stages], axis: .vusers,
        generatedAt: FixtureRuns.generatedAt)
    ),
    ("watched", try HTMLReport.render(fixtures.watchedOneBackend, generatedAt: FixtureRuns.generatedAt)),
    (
      "compare-watched",
      try HTMLReport.render(
        fixtures.watchedOneBackend, compare: [fixtures.watchedTwoBackends],
        generatedAt: FixtureRuns.generatedAt)
    ),
    ("find", try HTMLReport.render(try CapacityFixture.shared().one, generatedAt: FixtureRuns.generatedAt)),
    (
      "find-compare",
      try HTMLReport.render(
        try CapacityFixture.shared().one, compare: [try CapacityFixture.shared().two],
        generatedAt: FixtureRuns.generatedAt)
    ),
  ]
  for (name, html) in reports {
    try ReportFile.write(html, to: "\(directory)/\(name).html")
  }
}
