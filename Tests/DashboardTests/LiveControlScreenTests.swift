import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// Golden screens of live control: every kind of marker with its legend, a closed pause, the
/// prompts for a vuser count and a tag, and the knee's marker and stats.
@Suite(.timeLimit(.minutes(5))) struct LiveControlScreenTests {
  /// The saturation run with a pause from 200 s to 230 s, a hold, a tag and the end of the plan.
  static func model(_ adjust: (inout DashboardState) -> Void = { _ in }) -> DashboardModel {
    var metrics = RunFixture.snapshot(seconds: 600)
    let epoch = RunFixture.epoch
    metrics.events += [
      RunEvent(elapsed: 200, time: epoch, kind: .pause),
      RunEvent(elapsed: 230, time: epoch, kind: .resume),
      RunEvent(elapsed: 400, time: epoch, kind: .hold),
      RunEvent(elapsed: 450, time: epoch, kind: .tag, label: "db failover"),
      RunEvent(elapsed: 600, time: epoch, kind: .planEnd),
    ]
    metrics.events.sort { $0.elapsed < $1.elapsed }
    var state = DashboardState()
    adjust(&state)
    return DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.done, seconds: 600), metrics: metrics, state: state,
      theme: .builtInDefault, symbols: .unicode, dots: .braille)
  }

  @Test func everyMarkerKindWithItsLegend() {
    let grid = DashboardView.render(Self.model(), width: 160, height: 48)
    expectSnapshot(grid, named: "control-markers-160x48")
    let text = grid.lines().joined(separator: "\n")
    for legend in ["◆ ramp", "▲ tag", "★ knee", "‖ pause", "■ end"] {
      #expect(text.contains(legend), "legend lacks \(legend)")
    }
    // The knee is named in the stats panel.
    #expect(text.contains("── Knee ──"))
    #expect(text.contains("★"))
  }

  @Test func asciiMarkers() {
    var model = Self.model()
    model.symbols = .ascii
    model.dots = .ascii
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "control-markers-ascii-120x40")
    let text = grid.lines().joined(separator: "\n")
    for legend in ["* ramp", "^ tag", "K knee", "| pause", "# end"] {
      #expect(text.contains(legend), "legend lacks \(legend)")
    }
  }

  @Test func promptsForAVuserCountAndATag() {
    let vusers = DashboardView.render(
      Self.model { $0.prompt = Prompt(.vusers, text: "250") }, width: 120, height: 40)
    expectSnapshot(vusers, named: "control-prompt-vusers-120x40")
    #expect(vusers.lines().last?.contains("vusers (exact count):  250") == true)
    let tag = DashboardView.render(Self.model { $0.prompt = Prompt(.tag) }, width: 120, height: 40)
    expectSnapshot(tag, named: "control-prompt-tag-120x40")
    #expect(tag.lines().last?.contains("tag label (Enter: knee?)") == true)
  }

  @Test func jumpingToTheKneeCentresIt() {
    var model = Self.model()
    let knee = model.metrics.events.last { $0.kind == .knee }
    #expect(knee != nil)
    model.state.viewport.center(on: knee?.elapsed ?? 0, elapsed: 600, plannedDuration: 600)
    let range = model.state.viewport.range(elapsed: 600, plannedDuration: 600)
    #expect(range.contains(knee?.elapsed ?? -1))
    #expect(abs((range.lowerBound + range.upperBound) / 2 - (knee?.elapsed ?? 0)) <= 1)
    expectSnapshot(DashboardView.render(model, width: 120, height: 40), named: "control-knee-centred-120x40")
  }
}
