import Foundation
import Metrics
import RunFixtures
import RunStore
import TestKit
import Testing

@testable import Report

/// An open-model run in the report and beside a closed one in a comparison (issue 19): both
/// latency views, what was offered, what came late, the knee's rate.
@Suite(.timeLimit(.minutes(2)))
struct OpenModelReportTests {
  static func openRun() throws -> LoadedRun {
    let directory = try TemporaryDirectory("rampart-open-report")
    defer { directory.remove() }
    return try RunLoader.load(try OpenFixture.write(root: directory.path))
  }

  @Test func theReportShowsBothViewsTheOfferedRateAndLateArrivals() throws {
    let run = try Self.openRun()
    let summary = try #require(run.summary)
    #expect(summary.model == .open)
    let report = try Rendered(run)
    #expect(report.value(table: "totals-table", row: "Mean offered rate") == summary.offeredRps)
    #expect(
      report.value(table: "totals-table", row: "Late arrivals (sent > 1 ms after due)")
        == summary.late.map(Double.init))
    #expect(report.value(table: "totals-table", row: "Dropped arrivals") == 0)
    let uncorrected = try #require(summary.uncorrected)
    let fromSend = (1...6).map {
      report.value(table: "percentiles-table", row: "open-rate (from the send)", column: $0)
    }
    #expect(
      fromSend == [
        uncorrected.mttMs, uncorrected.p50Ms, uncorrected.p90Ms, uncorrected.p95Ms, uncorrected.p99Ms,
        uncorrected.maxMs,
      ])
    // The corrected p99 (from the intended start) is the headline one, above the one from the send.
    #expect(report.value(table: "percentiles-table", row: "open-rate", column: 5) == summary.p99Ms)
    #expect(summary.p99Ms > uncorrected.p99Ms)
    let tps = try #require(report.chart("chart-tps"))
    #expect(tps.textContent.contains("offered"))
    #expect(try #require(report.chart("chart-latency")).textContent.contains("p99 from the send"))
    // The knee is an offered rate, near the target's 300 req/s.
    let knee = try #require(summary.knee?.rate)
    #expect(abs(knee / OpenFixture.capacity - 1) <= 0.10, "knee at \(knee)/s")
    #expect(report.value(table: "totals-table", row: "Knee") == knee)
  }

  @Test func aComparisonWithAClosedRunAddsTheOpenRows() throws {
    let fixtures = try FixtureRuns.shared()
    let comparison = try RunComparison([fixtures.oneBackend, try Self.openRun()], axis: .time)
    let keys = comparison.rows.map(\.key)
    #expect(keys.contains("p99_uncorrected") && keys.contains("late") && keys.contains("knee_rate"))
    let late = try #require(comparison.rows.first { $0.key == "late" })
    // The closed run has no arrivals to be late: no value, not a zero.
    #expect(late.values[0] == nil && (late.values[1] ?? 0) > 0)
    let closedOnly = try RunComparison([fixtures.oneBackend, fixtures.twoBackends], axis: .time)
    #expect(!closedOnly.rows.map(\.key).contains("late"))
  }
}
