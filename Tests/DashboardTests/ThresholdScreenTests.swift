import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme
import Vocabulary

@testable import Dashboard

/// Golden screens of thresholds: the stats panel's "Thresholds" section with one passing and one
/// failing (glyph, expression, observed value), the header's failing badge and the marker where
/// the threshold started failing.
@Suite(.timeLimit(.minutes(5))) struct ThresholdScreenTests {
  /// The whole saturation run (errors near 2%, p95 near 150 ms) with `p95<300ms` passing and
  /// `errors<1%` failing since 5:07.
  static func model(symbols: SymbolSet = .unicode) throws -> DashboardModel {
    var metrics = RunFixture.snapshot(seconds: 600)
    let thresholds = try [Threshold(parsing: "p95<300ms"), Threshold(parsing: "errors<1%")]
    metrics.thresholds = thresholds.check(ThresholdFigures(snapshot: metrics))
    metrics.events.append(
      RunEvent(elapsed: 307, time: RunFixture.epoch, kind: .threshold, value: 0.01, label: "errors<1%"))
    metrics.events.append(RunEvent(elapsed: 600, time: RunFixture.epoch, kind: .planEnd))
    metrics.events.sort { $0.elapsed < $1.elapsed }
    return DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.done, seconds: 600), metrics: metrics,
      state: DashboardState(), theme: .builtInDefault, symbols: symbols,
      dots: symbols == .unicode ? .braille : .ascii)
  }

  @Test func onePassingOneFailing() throws {
    let model = try Self.model()
    #expect(model.metrics.thresholds.map(\.ok) == [true, false])
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "thresholds-120x40")
    let lines = grid.lines()
    let text = lines.joined(separator: "\n")
    #expect(text.contains("── Thresholds ✗ 1 failing ──"))
    #expect(lines.contains { $0.contains("✓ p95<300ms") })
    #expect(lines.contains { $0.contains("✗ errors<1%") })
    #expect(lines[0].contains("✗ 1 threshold failing"))
    #expect(text.contains("✗ threshold"), "the marker legend names the threshold marker")
  }

  @Test func asciiAndSmall() throws {
    let grid = DashboardView.render(try Self.model(symbols: .ascii), width: 80, height: 24)
    expectSnapshot(grid, named: "thresholds-ascii-80x24")
    let lines = grid.lines()
    #expect(lines.contains { $0.contains("Thresholds x 1 failing") })
    #expect(lines.contains { $0.contains("ok p95<300ms") })
    #expect(lines.contains { $0.contains("x errors<1%") })
    #expect(lines[0].contains("x 1 threshold failing"))
  }

  @Test func allPassingSaysSoAndTheHeaderStaysPlain() throws {
    var model = try Self.model()
    model.metrics.thresholds = model.metrics.thresholds.map {
      var passing = $0
      passing.ok = true
      return passing
    }
    let lines = DashboardView.render(model, width: 120, height: 40).lines()
    #expect(lines.contains { $0.contains("Thresholds ✓ all pass") })
    #expect(!lines[0].contains("failing"))
  }

  @Test func observedValuesInThePanelsUnits() {
    func text(_ metric: String, _ observed: Double) -> String {
      StatsPanel.observedText(ThresholdResult(expr: "", metric: metric, ok: true, observed: observed))
    }
    #expect(text("p95", 312.4) == LatencyText.format(312.4))
    #expect(text("error_rate", 0.0213) == "2.1%")
    #expect(text("tps", 6120) == RateText.perSecond(6120))
    #expect(text("errors.timeout", 1234) == "1,234")
  }
}
