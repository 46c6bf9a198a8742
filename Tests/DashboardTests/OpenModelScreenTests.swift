import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme
import Vocabulary

@testable import Dashboard

/// Golden screens of an open-model run (`OpenRunFixture`): the rate ramp below the target's
/// capacity, where achieved follows offered, and past it, where achieved is flat, arrivals are
/// late and dropped, the client is limited and the two latency views part.
/// `RECORD_SNAPSHOTS=1 swift test --filter OpenModelScreenTests` re-records.
@Suite(.timeLimit(.minutes(2))) struct OpenModelScreenTests {
  static func model(_ phase: EngineStatus.Phase = .running, seconds: Int) -> DashboardModel {
    DashboardModel(
      info: OpenRunFixture.info, status: OpenRunFixture.status(phase, seconds: seconds),
      metrics: OpenRunFixture.snapshot(seconds: seconds), state: DashboardState(), theme: .builtInDefault,
      symbols: .unicode, dots: .braille)
  }

  static let saturation = model(seconds: 480)

  func text(_ grid: Grid) -> String { grid.lines().joined(separator: "\n") }

  @Test(arguments: [(80, 24), (120, 40), (200, 60)])
  func saturationAtEverySize(width: Int, height: Int) {
    let grid = DashboardView.render(Self.saturation, width: width, height: height)
    expectSnapshot(grid, named: "open-saturation-\(width)x\(height)")
    let lines = grid.lines()
    // The rate the user set, and the badge, in the header; offered above achieved in the TPS legend.
    #expect(lines[0].contains("⊘ CLIENT-LIMITED"))
    #expect(lines[0].contains("rate 7000/s"))
    #expect(text(grid).contains("offered 7k  tps 6k  ok 5.88k"))
    #expect(text(grid).contains("◆ rate"))
    #expect(text(grid).contains("corrected uncorrected"))
    #expect(text(grid).contains("client-limited"))
    #expect(lines[height - 1].contains("+/- rate ±500/s"))
  }

  @Test func belowCapacityNoBadgeAndTheLimitedSecondsCounted() {
    let grid = DashboardView.render(Self.model(seconds: 240), width: 80, height: 24)
    expectSnapshot(grid, named: "open-ramp-80x24")
    let lines = grid.lines()
    #expect(!lines[0].contains("CLIENT-LIMITED"))
    #expect(lines[0].contains("rate 5000/s  vusers 80/500"))
    // The loop fell behind for five seconds at 200 s.
    #expect(lines.contains { $0.contains("client-limited") && $0.contains("5s") })
  }

  @Test func uncorrectedP99LineOnlyWhereItsLegendFits() {
    let narrow = text(DashboardView.render(Self.saturation, width: 80, height: 24))
    let wide = text(DashboardView.render(Self.saturation, width: 120, height: 40))
    #expect(!narrow.contains("uncorrected p99"))
    #expect(wide.contains("uncorrected p99"))
  }

  @Test func asciiUsesOnlyASCII() {
    var model = Self.saturation
    model.symbols = .ascii
    model.dots = .ascii
    let grid = DashboardView.render(model, width: 80, height: 24)
    expectSnapshot(grid, named: "open-saturation-ascii-80x24")
    // The run directory cut on the second line ends in "…" in either symbol set (DisplayWidth's
    // ellipsis, as on the closed model's ASCII screens); everything this run adds is ASCII.
    let nonASCII = grid.lines().flatMap { $0.unicodeScalars.filter { !$0.isASCII && $0 != "…" } }
    #expect(nonASCII.isEmpty, "non-ASCII: \(String(String.UnicodeScalarView(nonASCII)))")
    #expect(grid.lines()[0].contains("! CLIENT-LIMITED"))
    #expect(text(grid).contains("* rate"))
    #expect(grid.lines()[23].contains("+/- rate +-500/s"))
  }

  @Test func helpListsTheRateKeysWithTheirStep() {
    var model = Self.saturation
    model.state.showHelp = true
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "open-help-120x40")
    #expect(text(grid).contains("rate up / down one step, now 500/s"))
    #expect(text(grid).contains("vuser keys: closed model only"))
  }
}

/// The pool held where more vusers stopped adding throughput (`PoolGrowth`): the arrivals it kept
/// waiting or dropped get their own row, and only then.
@Suite(.timeLimit(.minutes(5))) struct OpenModelPoolHeldTests {
  @Test func aHeldPoolGetsItsRowWithItsShareOfTheOffered() throws {
    var model = OpenModelScreenTests.saturation
    let before = DashboardView.render(model, width: 120, height: 40).lines()
    #expect(!before.contains { $0.contains("pool held") })
    var arrivals = try #require(model.metrics.totals.arrivals)
    arrivals.heldBack = arrivals.offered / 10
    arrivals.droppedHeld = arrivals.offered / 10
    model.metrics.totals.arrivals = arrivals
    let lines = DashboardView.render(model, width: 120, height: 40).lines()
    let row = try #require(lines.first { $0.contains("pool held") })
    #expect(row.contains(CountText.grouped(arrivals.heldBack + arrivals.droppedHeld)))
    #expect(row.contains("20%"))
  }
}
