import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// The stats panel's Knee section while no knee is claimed: the verdict so far and its level.
@Suite(.timeLimit(.minutes(5))) struct KneeVerdictScreenTests {
  /// The saturation run as it would read had it been flat from its first step at 9 vusers.
  static func model(_ judgement: KneeJudgement) -> DashboardModel {
    var metrics = RunFixture.snapshot(seconds: 600)
    metrics.knee = nil
    metrics.kneeJudgement = judgement
    return DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: 600), metrics: metrics,
      state: DashboardState(), theme: .builtInDefault, symbols: .unicode, dots: .braille)
  }

  @Test func saturatedFromTheStartNamesTheBound() {
    let grid = DashboardView.render(
      Self.model(KneeJudgement(verdict: .saturatedFromStart, level: 9, isRate: false)), width: 120, height: 40
    )
    expectSnapshot(grid, named: "knee-saturated-120x40")
    let lines = grid.lines()
    #expect(lines.contains { $0.contains("saturated") && $0.contains("from start") })
    #expect(lines.contains { $0.contains("at most") && $0.contains("9 vusers") })
  }

  @Test func eachVerdictHasItsRows() {
    #expect(StatsPanel.kneeVerdictRows(nil).map(\.label) == ["not found yet"])
    let reached = StatsPanel.kneeVerdictRows(KneeJudgement(verdict: .notReached, level: 400, isRate: false))
    #expect(reached.map(\.label) == ["none up to"] && reached.map(\.value) == ["400 vusers"])
    let rate = StatsPanel.kneeVerdictRows(KneeJudgement(verdict: .notReached, level: 2_000, isRate: true))
    #expect(rate.map(\.value) == ["2000/s"])
    let short = StatsPanel.kneeVerdictRows(KneeJudgement(verdict: .tooShort, level: nil, isRate: false))
    #expect(short.map(\.label) == ["too few steps"])
    // Every label fits the panel's label column at 80 columns.
    for verdict in KneeJudgement.Verdict.allCases {
      let rows = StatsPanel.kneeVerdictRows(KneeJudgement(verdict: verdict, level: 9, isRate: false))
      #expect(rows.allSatisfy { $0.label.count <= 13 }, "\(verdict)")
    }
  }
}
