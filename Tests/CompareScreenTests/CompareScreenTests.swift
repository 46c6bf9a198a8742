import Foundation
import RunFixtures
import RunStore
import SnapshotSupport
import TerminalUI
import TestKit
import Testing
import Theme
import Vocabulary

@testable import CompareScreen

/// The compare screen from the fixture runs (one backend, two backends, a killed run and an
/// aborted run with another plan). `RECORD_SNAPSHOTS=1 swift test --filter CompareScreenTests`
/// re-records.
@Suite(.timeLimit(.minutes(5))) struct CompareScreenTests {
  /// The fixture runs, written once: one-backend, two-backends, killed, stages.
  static let runs: [LoadedRun] = {
    let directory = try! TemporaryDirectory("rampart-compare-screen")
    defer { directory.remove() }
    let dirs = try! CompareFixture.writeAll(root: directory.path)
    return try! dirs.map { try RunLoader.load($0) }
  }()

  /// One-backend and two-backends with their target watched (uvicorn and nginx; one-backend's
  /// uvicorn not read from 1:10 to 1:13).
  static let watchedRuns: [LoadedRun] = {
    let directory = try! TemporaryDirectory("rampart-compare-watched")
    defer { directory.remove() }
    return try! CompareFixture.watched.map {
      try RunLoader.load(CompareFixture.write($0, root: directory.path))
    }
  }()

  static func model(
    _ indexes: [Int], axis: CompareAxis, symbols: SymbolSet = .unicode, dots: ChartDots = .braille,
    from runs: [LoadedRun] = runs
  ) throws -> CompareModel {
    let comparison = try RunComparison(indexes.map { runs[$0] }, axis: axis)
    return CompareModel(
      comparison: comparison, state: CompareState(axis: axis), theme: .builtInDefault, symbols: symbols,
      dots: dots)
  }

  @Test func twoRunsByTime() throws {
    let grid = CompareView.render(try Self.model([0, 1], axis: .time), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-2-time-120x40")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("one-backend") && text.contains("two-backends"))
    #expect(text.contains("by time"))
    #expect(text.contains("Peak TPS"))
  }

  @Test func twoRunsByVusers() throws {
    let grid = CompareView.render(try Self.model([0, 1], axis: .vusers), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-2-vusers-120x40")
    let lines = grid.lines()
    #expect(lines.joined().contains("by vusers"))
    // The x labels are vusers, not clock times.
    #expect(lines.contains { $0.contains("vusers") && $0.contains(" 30 ") })
    #expect(!lines.contains { $0.contains("1:00") })
  }

  @Test func threeRunsWithTheKilledOneByTime() throws {
    let grid = CompareView.render(try Self.model([0, 1, 2], axis: .time), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-3-killed-time-120x40")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("INCOMPLETE"))
    #expect(text.contains("is incomplete"))
  }

  @Test func threeRunsWithTheKilledOneByVusers() throws {
    let grid = CompareView.render(try Self.model([0, 1, 2], axis: .vusers), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-3-killed-vusers-120x40")
    #expect(grid.lines().joined().contains("INCOMPLETE"))
  }

  /// DUR-02: the killed run beside a clean one and an aborted one with another plan and other
  /// tags: every flag and note is on screen.
  @Test func killedCleanAndAbortedShowEveryNote() throws {
    let model = try Self.model([1, 2, 3], axis: .time)
    let grid = CompareView.render(model, width: 120, height: 40)
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("INCOMPLETE") && text.contains("ABORTED"))
    // Every note is on screen, whole (wrapped lines joined back).
    let flattened = grid.lines().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
      .replacingOccurrences(of: "! ", with: "")
    for note in model.comparison.notes {
      let words = note.split(separator: " ").joined(separator: " ")
      #expect(flattened.contains(words), "note missing: \(note)")
    }
    #expect(model.comparison.notes.contains { $0.contains("tags differ") })
  }

  @Test func asciiUsesOnlyASCII() throws {
    let grid = CompareView.render(
      try Self.model([0, 1, 2], axis: .vusers, symbols: .ascii, dots: .ascii), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-3-vusers-ascii-120x40")
    let nonASCII = grid.lines().flatMap { $0.unicodeScalars.filter { !$0.isASCII } }
    #expect(nonASCII.isEmpty, "non-ASCII: \(String(String.UnicodeScalarView(nonASCII)))")
  }

  @Test func fourRunsFitAt80x24() throws {
    let grid = CompareView.render(try Self.model([0, 1, 2, 3], axis: .time), width: 80, height: 24)
    let text = grid.lines().joined(separator: "\n")
    for name in ["one-backend", "two-backends", "killed", "stages"] { #expect(text.contains(name)) }
    #expect(text.contains("INCOMPLETE") && text.contains("ABORTED"))
  }

  @Test func tooSmallSaysWhatItNeeds() throws {
    let grid = CompareView.render(try Self.model([0, 1], axis: .time), width: 60, height: 20)
    #expect(grid.lines().contains { $0.contains("terminal too small: need 80x24") })
  }

  @Test func tinyAndHugeSizesNeverCrash() throws {
    let model = try Self.model([0, 1, 2, 3], axis: .vusers)
    for (width, height) in [(0, 0), (1, 1), (20, 5), (79, 24), (80, 23), (80, 24), (300, 100)] {
      let grid = CompareView.render(model, width: width, height: height)
      #expect(grid.width == width && grid.height == height)
    }
  }

  @Test func wideScreensPutTheTableBesideTheCharts() throws {
    let grid = CompareView.render(try Self.model([0, 1], axis: .time), width: 200, height: 50)
    let lines = grid.lines()
    let tableRow = try #require(lines.firstIndex { $0.contains("Peak TPS") })
    #expect(tableRow < 10, "the table starts beside the first chart")
    // The table's columns sit right of the charts.
    let column = try #require(lines[tableRow].range(of: "Peak TPS"))
    #expect(lines[tableRow].distance(from: lines[tableRow].startIndex, to: column.lowerBound) > 100)
  }

  @Test func hiddenRunLeavesTheChartsButNotTheTable() throws {
    var model = try Self.model([0, 1], axis: .time)
    model.state.hidden = [1]
    let grid = CompareView.render(model, width: 120, height: 40)
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("hidden (2 shows)"))
    #expect(text.contains("B two-backends"))
  }

  @Test func helpOverlay() throws {
    var model = try Self.model([0, 1], axis: .time)
    model.state.showHelp = true
    let grid = CompareView.render(model, width: 120, height: 40)
    #expect(grid.lines().contains { $0.contains("rampart compare keys") })
  }

  @Test func plainTextTable() throws {
    let comparison = try RunComparison([Self.runs[0], Self.runs[1], Self.runs[2]], axis: .time)
    let text = CompareText.render(comparison)
    expectTextSnapshot(text, named: "compare-text-3-time")
    #expect(text.allSatisfy { $0.isASCII })
    for note in comparison.notes { #expect(text.contains(note)) }
  }

  // MARK: - The Target lane

  /// Wide: the table beside the charts, the Target CPU lane under the four charts with a line
  /// per run and source and each one's peak in the legend.
  @Test func watchedRunsByTimeWide() throws {
    let model = try Self.model([0, 1], axis: .time, from: Self.watchedRuns)
    let grid = CompareView.render(model, width: 160, height: 48)
    expectSnapshot(grid, named: "compare-2-watched-time-160x48")
    let lines = grid.lines()
    let lane = try #require(lines.firstIndex { $0.contains("Target CPU (cores)") })
    let vusers = try #require(lines.firstIndex { $0.contains("Active vusers") })
    #expect(lane > vusers, "the lane is under the existing charts")
    let watch = model.comparison.runs.map { $0.figures.watch?["uvicorn"]?.cpuCoresPeak ?? 0 }
    #expect(lines[lane].contains("peak A nginx"))
    #expect(lines[lane].contains("B nginx"))
    #expect(lines[lane].contains("A uvicorn \(CoresText.format(watch[0]))"))
    #expect(lines[lane].contains("B uvicorn \(CoresText.format(watch[1]))"))
    // The time labels stay under the bottom chart, now the lane.
    #expect(lines[lane + 1..<lines.count].contains { $0.contains("1:30") })
    for title in ["uvicorn CPU peak", "uvicorn CPU mean", "uvicorn memory peak", "nginx CPU peak"] {
      #expect(lines.contains { $0.contains(title) }, "\(title)")
    }
  }

  @Test func watchedRunsByTimeAt120x40() throws {
    let grid = CompareView.render(
      try Self.model([0, 1], axis: .time, from: Self.watchedRuns), width: 120, height: 40)
    expectSnapshot(grid, named: "compare-2-watched-time-120x40")
    let text = grid.lines().joined(separator: "\n")
    #expect(text.contains("Target CPU (cores)"))
    #expect(text.contains("uvicorn CPU peak"))
  }

  /// 80x24 keeps the four charts and the table's head: the lane gives way first, as the last
  /// charts do on a short terminal, and nothing overlaps.
  @Test func watchedRunsAt80x24() throws {
    let grid = CompareView.render(
      try Self.model([0, 1], axis: .time, from: Self.watchedRuns), width: 80, height: 24)
    expectSnapshot(grid, named: "compare-2-watched-time-80x24")
    let lines = grid.lines()
    #expect(lines.contains { $0.contains("Delta") })
    #expect(lines.contains { $0.contains("Active vusers") })
  }

  @Test func laneAbsentWithoutWatchDataAndByVusers() throws {
    let plain = CompareView.render(try Self.model([0, 1], axis: .time), width: 160, height: 48)
    #expect(!plain.lines().contains { $0.contains("Target CPU") || $0.contains("CPU peak") })
    let byVusers = CompareView.render(
      try Self.model([0, 1], axis: .vusers, from: Self.watchedRuns), width: 160, height: 48)
    #expect(!byVusers.lines().contains { $0.contains("Target CPU") })
    // The table keeps its target rows whatever the axis.
    #expect(byVusers.lines().contains { $0.contains("uvicorn CPU peak") })
  }

  /// The watched run beside an unwatched one: its lines only, `-` in the other's cells.
  @Test func oneWatchedRunBesideAnUnwatchedOne() throws {
    let comparison = try RunComparison([Self.runs[0], Self.watchedRuns[1]], axis: .time)
    let row = try #require(comparison.rows.first { $0.key == "watch.uvicorn.cpu_cores_peak" })
    #expect(row.values[0] == nil && row.values[1] != nil)
    #expect(row.better == .neither && row.best == nil)
    let table = CompareTable(comparison)
    let cells = try #require(table.rows.first { $0.title == "uvicorn CPU peak" }?.cells)
    #expect(cells[0].value == "-")
    #expect(cells[1].tone == .none && !cells[1].isBest)
  }

  @Test func plainTextHasTheTargetRows() throws {
    let comparison = try RunComparison(Self.watchedRuns, axis: .time)
    let text = CompareText.render(comparison)
    expectTextSnapshot(text, named: "compare-text-2-watched-time")
    #expect(text.allSatisfy { $0.isASCII })
    let peak = try #require(comparison.rows.first { $0.key == "watch.uvicorn.cpu_cores_peak" })
    let (a, b) = (try #require(peak.values[0]), try #require(peak.values[1]))
    #expect(b / a > 1.9 && b / a < 2.1, "two backends reach about twice one's CPU")
  }

  @Test func notesWrapWithoutLosingWords() {
    let note = String(repeating: "word ", count: 40) + "x" + String(repeating: "y", count: 130)
    let lines = CompareView.wrap(note, width: 50)
    #expect(lines.allSatisfy { DisplayWidth.of($0) <= 50 })
    #expect(lines[0].hasPrefix("! "))
    let joined = lines.map { $0.dropFirst(2) }.joined()
    #expect(joined.replacingOccurrences(of: " ", with: "") == note.replacingOccurrences(of: " ", with: ""))
  }
}

@Suite(.timeLimit(.minutes(5))) struct CompareKeyTests {
  /// Each key and what it must do, written out rather than derived, so the table checks the map.
  static let table: [(Key, [CompareCommand])] = [
    (.character("q"), [.exit]), (.character("Q"), [.exit]), (.escape, [.exit]),
    (.character("v"), [.toggleAxis]), (.character("V"), [.toggleAxis]),
    (.character("1"), [.toggleRun(0)]), (.character("2"), [.toggleRun(1)]),
    (.character("3"), [.toggleRun(2)]), (.character("4"), [.toggleRun(3)]), (.character("5"), []),
    (.character("p"), [.toggleP99]), (.character("T"), [.cycleTheme]), (.character("?"), [.toggleHelp]),
    (.function(1), [.toggleHelp]), (.resize, [.redraw]), (.control("l"), [.redraw]),
    (.character("x"), []), (.enter, []),
  ]

  @Test func everyKey() {
    let state = CompareState(axis: .time)
    for (key, expected) in Self.table {
      #expect(CompareKeyMap.commands(for: key, state: state) == expected, "\(key)")
    }
  }

  @Test func withHelpOpenEveryKeyOnlyClosesItButRedrawStillRedraws() {
    var state = CompareState(axis: .time)
    state.showHelp = true
    for (key, _) in Self.table {
      let redraw = key == .resize || key == .control("l")
      #expect(
        CompareKeyMap.commands(for: key, state: state) == (redraw ? [.redraw] : [.toggleHelp]), "\(key)")
    }
  }

  @Test func vTogglesTheAxis() {
    var state = CompareState(axis: .time)
    state.apply(.toggleAxis, runCount: 2)
    #expect(state.axis == .vusers)
    state.apply(.toggleAxis, runCount: 2)
    #expect(state.axis == .time)
  }

  @Test func numbersHideAndShowRunsButNeverAll() {
    var state = CompareState(axis: .time)
    state.apply(.toggleRun(1), runCount: 3)
    #expect(state.hidden == [1])
    state.apply(.toggleRun(0), runCount: 3)
    #expect(state.hidden == [0, 1])
    state.apply(.toggleRun(2), runCount: 3)
    #expect(state.hidden == [0, 1], "the last visible run stays")
    #expect(state.notice == "at least one run stays on the charts")
    state.apply(.toggleRun(0), runCount: 3)
    #expect(state.hidden == [1])
    state.apply(.toggleRun(3), runCount: 3)
    #expect(state.hidden == [1])
    #expect(state.notice == "no run D: comparing 3 runs")
  }

  @Test func p99IsATimeAxisToggle() {
    var state = CompareState(axis: .time)
    state.apply(.toggleP99, runCount: 2)
    #expect(state.showP99)
    state.axis = .vusers
    state.apply(.toggleP99, runCount: 2)
    #expect(state.showP99)
    #expect(state.notice != nil)
  }

  @Test func keyBarNamesTheOtherAxis() {
    let time = CompareKeyMap.keyBar(state: CompareState(axis: .time), runCount: 3)
    #expect(time.contains { $0.key == "v" && $0.action == "by vusers" })
    #expect(time.contains { $0.key == "1-3" })
    let vusers = CompareKeyMap.keyBar(state: CompareState(axis: .vusers), runCount: 2)
    #expect(vusers.contains { $0.key == "v" && $0.action == "by time" })
    #expect(!vusers.contains { $0.key == "p" })
  }

  @Test func theLoopRedrawsOnKeysAndResizeAndQuitsOnQ() throws {
    let comparison = try RunComparison([CompareScreenTests.runs[0], CompareScreenTests.runs[1]], axis: .time)
    let backend = MemoryBackend(
      width: 120, height: 40,
      keys: [.character("v"), .resize, .character("2"), .character("?"), .character("x"), .character("q")])
    let loop = CompareLoop(
      backend: backend, comparison: comparison, themes: [.builtInDefault], symbols: .unicode, dots: .braille,
      pollMilliseconds: 0)
    loop.run()
    // The first frame, then one per key until q.
    #expect(backend.presented.count == 6)
    #expect(backend.presented[1].lines().joined().contains("by vusers"))
    #expect(backend.presented[3].lines().joined().contains("hidden (2 shows)"))
    #expect(backend.presented[4].lines().joined().contains("rampart compare keys"))
    #expect(!backend.presented[5].lines().joined().contains("rampart compare keys"))
    #expect(loop.state.exitRequested)
  }

  @Test func theLoopLeavesWhenTheExitFlagIsSet() throws {
    let comparison = try RunComparison(
      [CompareScreenTests.runs[0], CompareScreenTests.runs[1]], axis: .vusers)
    let backend = MemoryBackend(width: 100, height: 30)
    let flag = ExitFlag()
    flag.set()
    let loop = CompareLoop(
      backend: backend, comparison: comparison, themes: [.builtInDefault], symbols: .unicode, dots: .braille,
      exitFlag: flag, pollMilliseconds: 0)
    loop.run()
    #expect(backend.presented.isEmpty || backend.presented.count == 1)
  }
}
