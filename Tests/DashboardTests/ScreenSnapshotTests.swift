import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// Whole screens from fixed runs at the three sizes a user is likely to have, plus one that is
/// too small. `RECORD_SNAPSHOTS=1 swift test --filter ScreenSnapshotTests` re-records.
@Suite(.timeLimit(.minutes(5))) struct ScreenSnapshotTests {
  enum Scene: String, CaseIterable {
    case empty, ramp, saturation, paused

    var model: DashboardModel {
      let (metrics, status): (MetricsSnapshot, EngineStatus)
      switch self {
      case .empty:
        (metrics, status) = (RunFixture.snapshot(seconds: 0), RunFixture.status(.starting, seconds: 0))
      case .ramp:
        (metrics, status) = (RunFixture.snapshot(seconds: 180), RunFixture.status(.running, seconds: 180))
      case .saturation:
        (metrics, status) = (RunFixture.snapshot(seconds: 480), RunFixture.status(.running, seconds: 480))
      case .paused:
        (metrics, status) = (
          RunFixture.snapshot(seconds: 330, pausedFrom: 318),
          RunFixture.status(.paused, seconds: 330, pausedFrom: 318)
        )
      }
      return DashboardModel(
        info: RunFixture.info, status: status, metrics: metrics, state: DashboardState(),
        theme: .builtInDefault, symbols: .unicode, dots: .braille)
    }
  }

  static let sizes = [(80, 24), (120, 40), (200, 60)]

  @Test(arguments: Scene.allCases)
  func sceneAtEverySize(scene: Scene) {
    for (width, height) in Self.sizes {
      let grid = DashboardView.render(scene.model, width: width, height: height)
      expectSnapshot(grid, named: "screen-\(scene.rawValue)-\(width)x\(height)")
    }
  }

  @Test func tooSmallSaysWhatItNeeds() {
    let grid = DashboardView.render(Scene.ramp.model, width: 60, height: 20)
    expectSnapshot(grid, named: "screen-too-small-60x20")
    #expect(grid.lines().contains { $0.contains("terminal too small: need 80x24") })
  }

  @Test func tinySizesNeverCrash() {
    for (width, height) in [(0, 0), (1, 1), (10, 3), (20, 5), (79, 24), (80, 23), (300, 100)] {
      let grid = DashboardView.render(Scene.saturation.model, width: width, height: height)
      #expect(grid.width == width && grid.height == height)
    }
  }

  @Test func helpOverlay() {
    var model = Scene.saturation.model
    model.state.showHelp = true
    expectSnapshot(DashboardView.render(model, width: 120, height: 40), named: "screen-help-120x40")
  }

  @Test func asciiFallbackUsesOnlyASCII() {
    var model = Scene.paused.model
    model.symbols = .ascii
    model.dots = .ascii
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "screen-paused-ascii-120x40")
    let nonASCII = grid.lines().flatMap { $0.unicodeScalars.filter { !$0.isASCII } }
    #expect(nonASCII.isEmpty, "non-ASCII: \(String(String.UnicodeScalarView(nonASCII)))")
  }

  @Test func zoomedInShowsTheLastMinutes() {
    var model = Scene.saturation.model
    model.state.viewport.zoomIn(elapsed: 480, plannedDuration: 600)
    model.state.viewport.zoomIn(elapsed: 480, plannedDuration: 600)
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "screen-zoomed-120x40")
  }
}
