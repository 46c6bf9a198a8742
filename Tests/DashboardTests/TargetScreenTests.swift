import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// The stats panel's Target section: each watched source's latest CPU and memory (issue 22).
@Suite(.timeLimit(.minutes(5))) struct TargetScreenTests {
  @Test func theLatestFiguresOfEachSource() {
    var metrics = RunFixture.snapshot(seconds: 600)
    metrics.watchedSources = ["uvicorn", "nginx", "db"]
    metrics.samples[metrics.samples.count - 1].watch = [
      "uvicorn": TargetFigure(cpuCores: 0.4, rssBytes: 85_000_000),
      "nginx": TargetFigure(cpuCores: nil, rssBytes: 9_500_000),
    ]
    let model = DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: 600), metrics: metrics,
      state: DashboardState(), theme: .builtInDefault, symbols: .unicode, dots: .braille)
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "target-120x40")
    let lines = grid.lines()
    #expect(lines.contains { $0.contains("── Target ") })
    #expect(lines.contains { $0.contains("uvicorn") && $0.contains("0.40 81.1 MiB") })
    #expect(lines.contains { $0.contains("nginx") && $0.contains("- 9.1 MiB") })
    #expect(lines.contains { $0.contains("db") && $0.contains("not read") })
  }
}
