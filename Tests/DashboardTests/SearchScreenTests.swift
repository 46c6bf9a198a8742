import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// A synthetic `rampart find --slo 'p99<300ms' --slo 'errors<1%' --min-rate 25 --step-time 30s`
/// against a target that completes at most 170 requests/s (20 ms of service, the rest queued).
/// The exploratory ramp passes 25, 50 and 100/s and fails at 200/s (the queue grows, p99 passes
/// 300 ms); after a cool-down at 50/s, 150/s holds, 175/s fails (achieved 170/s, the queue
/// grows again), a cool-down at 75/s drains it and 163/s is being held: 815 of 1,000 samples,
/// 1:33 of the 5:00 budget used.
enum SearchRunFixture {
  static let info = RunInfo(
    target: "http://127.0.0.1:8080/", plan: "find p99<300ms, errors<1%: 25/s to 1000/s, budget 5m",
    runDirectory: "rampart-runs/20261127T070000Z-127.0.0.1_8080", plannedDuration: 305, fileLimit: 1_048_576)

  static let capacity = 170
  static let poolCap = 200
  static let budget = 300.0
  static let samplesNeeded = 1000

  /// The rate offered from each second on: explore steps of 3 s, cool-downs, held steps of 30 s.
  static let schedule: [(from: Int, rate: Double)] = [
    (0, 25), (3, 50), (6, 100), (9, 200), (12, 50), (16, 150), (46, 175), (76, 75), (82, 163),
  ]

  static func rate(at t: Int) -> Double { schedule.last { $0.from <= t }?.rate ?? 25 }

  static func result(_ expr: String, _ metric: String, ok: Bool, _ observed: Double) -> ThresholdResult {
    ThresholdResult(expr: expr, metric: metric, ok: ok, observed: observed)
  }

  /// A judged step with its readings: p99, error rate and achieved share of offered.
  static func step(
    _ phase: SearchStep.Phase, _ rate: Double, start: Int, window: Int, end: Int, p99Ms: Double,
    achieved: Double, mttMs: Double
  ) -> SearchStep {
    let keepsUp = achieved / rate
    let results = [
      result("p99<300ms", "p99", ok: p99Ms < 300, p99Ms),
      result("errors<1%", "error_rate", ok: true, 0),
      result(CapacitySearch.keepsUpExpression, "achieved", ok: keepsUp >= 0.98, keepsUp),
    ]
    let samples = Int(achieved) * (end - window)
    return SearchStep(
      phase: phase, rate: rate, startS: start, windowStartS: window, endS: end,
      verdict: results.allSatisfy(\.ok) ? .pass : .fail, results: results, samples: samples,
      samplesNeeded: phase == .hold ? samplesNeeded : 0, achievedRps: achieved, mttMs: mttMs)
  }

  static let steps: [SearchStep] = [
    step(.explore, 25, start: 0, window: 1, end: 3, p99Ms: 60, achieved: 25, mttMs: 21),
    step(.explore, 50, start: 3, window: 4, end: 6, p99Ms: 60, achieved: 50, mttMs: 21),
    step(.explore, 100, start: 6, window: 7, end: 9, p99Ms: 60, achieved: 100, mttMs: 21),
    step(.explore, 200, start: 9, window: 10, end: 12, p99Ms: 520, achieved: 170, mttMs: 290),
    step(.hold, 150, start: 16, window: 22, end: 46, p99Ms: 60, achieved: 150, mttMs: 21),
    step(.hold, 175, start: 46, window: 52, end: 76, p99Ms: 850, achieved: 170, mttMs: 480),
  ]

  /// The run `seconds` in, the search where it stood then.
  static func snapshot(seconds: Int) -> MetricsSnapshot {
    let store = MetricsStore()
    store.record(RunEvent(elapsed: 0, time: RunFixture.epoch, kind: .start, label: info.plan))
    var backlog = 0
    for t in 0..<seconds {
      let offered = Int(rate(at: t))
      let completed = min(offered + backlog, capacity)
      backlog += offered - completed
      // Every arrival waits behind the queue ahead of it.
      let waitMs = Double(backlog) / Double(capacity) * 1000
      var arrivals = ArrivalTally()
      arrivals.offered = offered
      var bucket = SecondBucket(second: t, openModel: true)
      bucket.started = completed
      bucket.ok = completed
      bucket.statusCodes = [200: completed]
      for (fraction, factor) in [(0.5, 0.8), (0.4, 1.1), (0.09, 1.6), (0.01, 3.0)] {
        let count = UInt64(Double(completed) * fraction)
        let sent = UInt64(20 * factor * 1000)
        let due = sent + UInt64(waitMs * 1000)
        bucket.recordLatency(micros: due, count: count)
        _ = arrivals.uncorrected.record(sent, count: count)
        arrivals.uncorrectedSumMicros += sent * count
      }
      bucket.arrivals = arrivals
      bucket.bytesIn = completed * 180
      bucket.bytesOut = completed * 90
      // Little's law: the vusers in use are the rate times the time each request takes.
      let inUse = min(poolCap, Int((Double(completed) * (22 + waitMs) / 1000).rounded(.up)))
      let gauges = EngineGauges(
        vusers: inUse, targetVusers: poolCap, connections: inUse, paused: false, rate: rate(at: t))
      store.ingest(bucket, gauges: gauges, duration: 1)
      // The engine journals every rate the search sets; the search journals every judged step.
      if t > 0, rate(at: t) != rate(at: t - 1) {
        store.record(RunEvent(elapsed: Double(t), time: RunFixture.epoch, kind: .setRate, value: rate(at: t)))
      }
      for step in steps where step.endS == t + 1 {
        store.record(
          RunEvent(
            elapsed: Double(t + 1), time: RunFixture.epoch, kind: .searchStep, value: step.rate,
            label: "\(step.phase.rawValue) \(step.verdict.rawValue)"))
      }
    }
    store.setSearch(progress(seconds: seconds))
    return store.snapshot()
  }

  /// The search `seconds` in: holding 163/s from 88 s on, cooling at 75/s from 76 s to 82 s.
  static func progress(seconds: Int) -> SearchProgress {
    let judged = steps.filter { $0.endS <= seconds }
    let failed = judged.filter { $0.verdict == .fail }.map(\.rate).min()
    let passed = judged.filter { $0.phase == .hold && $0.verdict == .pass && $0.rate < failed ?? .infinity }
      .map(\.rate).max()
    var progress = SearchProgress(
      phase: .hold, rate: rate(at: seconds - 1), samples: 0, samplesNeeded: samplesNeeded, passed: passed,
      failed: failed, steps: judged, usedSeconds: seconds, budget: budget)
    if (76..<82).contains(seconds) {
      progress.cooling = true
      progress.rateAfterCooling = 163
    } else if seconds > 88 {
      progress.samples = 163 * (seconds - 88)
    }
    return progress
  }

  static func status(_ phase: EngineStatus.Phase, seconds: Int) -> EngineStatus {
    EngineStatus(
      phase: phase, elapsed: Double(seconds), planElapsed: Double(seconds), pausedFor: 0,
      targetVusers: poolCap,
      rampHeld: false, rate: rate(at: seconds - 1))
  }

  static func model(seconds: Int, phase: EngineStatus.Phase = .running) -> DashboardModel {
    DashboardModel(
      info: info, status: status(phase, seconds: seconds), metrics: snapshot(seconds: seconds),
      state: DashboardState(), theme: .builtInDefault, symbols: .unicode, dots: .braille)
  }
}

/// Golden screens of a capacity search (`rampart find`): the Search section of the stats panel
/// and the judged steps on the TPS chart's marker row.
/// `RECORD_SNAPSHOTS=1 swift test --filter SearchScreenTests` re-records.
@Suite(.timeLimit(.minutes(2))) struct SearchScreenTests {
  static let holding = SearchRunFixture.model(seconds: 93)
  static let cooling = SearchRunFixture.model(seconds: 79)

  func text(_ grid: Grid) -> String { grid.lines().joined(separator: "\n") }

  /// The TPS chart's marker row: the line just above the Latency chart's title rule.
  func markerRow(_ grid: Grid) -> String {
    let lines = grid.lines()
    let latency = lines.firstIndex { $0.hasPrefix("── Latency") || $0.hasPrefix("-- Latency") } ?? 1
    return lines[latency - 1]
  }

  @Test(arguments: [(80, 24), (120, 40), (200, 60)])
  func midHoldAtEverySize(width: Int, height: Int) {
    let grid = DashboardView.render(Self.holding, width: width, height: height)
    expectSnapshot(grid, named: "search-hold-\(width)x\(height)")
    let screen = text(grid)
    #expect(screen.contains("Search"))
    #expect(grid.lines().contains { $0.contains("passed") && $0.contains("150/s") })
    #expect(grid.lines().contains { $0.contains("failed") && $0.contains("175/s") })
    #expect(grid.lines().contains { $0.contains("hold") && $0.contains("163/s") })
    #expect(grid.lines().contains { $0.contains("budget") && $0.contains("1:33 / 5:00") })
    // The held steps on the marker row: the pass before the fail, both in the verdict's role.
    let row = markerRow(grid)
    let pass = row.firstIndex(of: "✓")
    let fail = row.lastIndex(of: "✗")
    #expect(pass != nil && fail != nil && pass! < fail!, "marker row: \(row)")
    // The search's own rate changes are not marked: the band shows its steps.
    #expect(!screen.contains("◆"))
    #expect(screen.contains("✓ pass") && screen.contains("✗ fail"))
  }

  /// Each held step's bar covers its measured window: at 200 columns the plot is 160 columns for
  /// 305 s, so the pass (22..<46 s) takes columns 11-24 and the fail (52..<76 s) 27-39.
  @Test func bandsCoverTheMeasuredWindows() {
    let grid = DashboardView.render(Self.holding, width: 200, height: 60)
    let row = Array(markerRow(grid))
    let plotX = ChartsView.axisWidth + 1
    func column(_ t: Double) -> Int { plotX + Int(t / 305 * 160) }
    #expect(row[column(22)] == "✓")
    #expect(row[column(45.9)] == "━")
    #expect(row[column(45.9) + 1] == " ")
    #expect(row[column(52)] == "✗")
    #expect(row[column(75.9)] == "━")
    #expect(row[column(75.9) + 1] == " ")
    // Each held window has room for its rate after the glyph.
    #expect(String(row[column(22)...column(22) + 5]) == "✓150/s")
    #expect(String(row[column(52)...column(52) + 5]) == "✗175/s")
    // Nothing is marked during warm-ups and cool-downs.
    #expect(row[column(17)] == " ")
    #expect(row[column(79)] == " ")
  }

  @Test func asciiUsesOnlyASCII() {
    var model = Self.holding
    model.symbols = .ascii
    model.dots = .ascii
    let grid = DashboardView.render(model, width: 80, height: 24)
    expectSnapshot(grid, named: "search-hold-ascii-80x24")
    let nonASCII = grid.lines().flatMap { $0.unicodeScalars.filter { !$0.isASCII && $0 != "…" } }
    #expect(nonASCII.isEmpty, "non-ASCII: \(String(String.UnicodeScalarView(nonASCII)))")
    let row = markerRow(grid)
    #expect(row.contains("o") && row.contains("x"), "marker row: \(row)")
    #expect(text(grid).contains("o pass") && text(grid).contains("x fail"))
  }

  @Test(arguments: [(80, 24), (120, 40)])
  func coolingSaysTheRateItReturnsTo(width: Int, height: Int) {
    let grid = DashboardView.render(Self.cooling, width: width, height: height)
    expectSnapshot(grid, named: "search-cooling-\(width)x\(height)")
    let lines = grid.lines()
    if width >= 120 {
      #expect(lines.contains { $0.contains("cooling to 75/s before") && $0.contains("163/s") })
    } else {
      #expect(lines.contains { $0.contains("cooling to") && $0.contains("75/s") })
      #expect(lines.contains { $0.contains("then hold") && $0.contains("163/s") })
    }
    // No step is under way while cooling: no samples row.
    #expect(!lines.contains { $0.contains("samples") })
  }

  @Test func helpSaysWhatStopAndPauseDoToTheSearch() {
    var model = Self.holding
    model.state.showHelp = true
    let grid = DashboardView.render(model, width: 120, height: 40)
    expectSnapshot(grid, named: "search-help-120x40")
    #expect(text(grid).contains("stop the search, keeping its best answer"))
    #expect(text(grid).contains("paused time is not in the budget"))
  }

  @Test func noSearchNoSection() {
    let grid = DashboardView.render(OpenModelScreenTests.saturation, width: 120, height: 40)
    #expect(!text(grid).contains("Search"))
    // A plain open-model run keeps its rate markers.
    #expect(text(grid).contains("◆ rate"))
  }
}

/// The Search section's rows on their own, for the states a golden screen does not show.
@Suite(.timeLimit(.minutes(5))) struct SearchStatsTests {
  typealias Row = StatsPanel.Row

  func find(_ rows: [Row], _ label: String) -> Row? { rows.first { $0.label == label } }

  @Test func rowsInOrderOfImportance() {
    let rows = SearchStats.rows(SearchRunFixture.progress(seconds: 93), width: 25)
    #expect(rows.map { $0.label } == ["passed", "failed", "apart", "hold", "budget", "samples"])
    #expect(rows.map { $0.value } == ["150/s", "175/s", "14%", "163/s", "1:33 / 5:00", "815 / 1,000"])
    #expect(rows.map { $0.role } == [.good, .bad, .text, .offered, .text, .text])
    // Where the panel is wide enough, the samples say what the count is against.
    let wide = SearchStats.rows(SearchRunFixture.progress(seconds: 93), width: 29)
    #expect(find(wide, "samples")?.value == "815 / 1,000 needed")
  }

  @Test func nothingPassedOrFailedYetWhileExploring() {
    let progress = SearchProgress(phase: .explore, rate: 400, samples: 812, usedSeconds: 9, budget: 300)
    let rows = SearchStats.rows(progress, width: 25)
    #expect(rows.map { $0.label } == ["passed", "failed", "apart", "explore", "budget", "samples"])
    #expect(find(rows, "passed")?.value == "-")
    #expect(find(rows, "passed")?.role == .muted)
    #expect(find(rows, "failed")?.value == "-")
    #expect(find(rows, "apart")?.value == "-")
    #expect(find(rows, "explore")?.value == "400/s")
    // Exploratory steps want no number of samples.
    #expect(find(rows, "samples")?.value == "812")
  }

  @Test func failsAtMinRate() {
    // Every step failed, down to --min-rate: nothing passed, and the run has ended.
    let failed = SearchRunFixture.step(
      .hold, 1, start: 0, window: 2, end: 10, p99Ms: 900, achieved: 1, mttMs: 700)
    let progress = SearchProgress(
      phase: .hold, rate: 1, samplesNeeded: 1000, failed: 1, steps: [failed], usedSeconds: 10, budget: 300)
    let rows = SearchStats.rows(progress, width: 25, runOver: true)
    #expect(rows.map { $0.label } == ["passed", "failed", "apart", "budget"])
    #expect(rows.map { $0.value } == ["-", "1/s", "-", "0:10 / 5:00"])
    #expect(find(rows, "failed")?.role == .bad)
  }

  @Test func budgetNearlySpentWarns() {
    var progress = SearchRunFixture.progress(seconds: 93)
    progress.usedSeconds = 260
    #expect(find(SearchStats.rows(progress, width: 25), "budget")?.role == .text)
    progress.usedSeconds = 291
    let rows = SearchStats.rows(progress, width: 25)
    #expect(find(rows, "budget")?.value == "4:51 / 5:00")
    #expect(find(rows, "budget")?.role == .warning)
  }

  @Test func samplesEnoughTurnGood() {
    var progress = SearchRunFixture.progress(seconds: 93)
    progress.samples = 1200
    #expect(find(SearchStats.rows(progress, width: 25), "samples")?.role == .good)
  }

  @Test func slowRatesKeepTheirDecimal() {
    let progress = SearchProgress(
      phase: .hold, rate: 2.5, samplesNeeded: 20, passed: 2, failed: 3, usedSeconds: 40, budget: 300)
    let rows = SearchStats.rows(progress, width: 25)
    #expect(rows.map { $0.value }.prefix(4) == ["2/s", "3/s", "33%", "2.5/s"])
  }

  @Test func everyRowFitsTheNarrowPanel() {
    for seconds in [20, 79, 93] {
      for row in SearchStats.rows(SearchRunFixture.progress(seconds: seconds), width: 25) {
        #expect(DisplayWidth.of(row.label) + 1 + DisplayWidth.of(row.value) <= 25, "\(row)")
      }
    }
  }
}
