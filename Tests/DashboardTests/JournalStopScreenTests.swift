import Metrics
import RunFixtures
import SnapshotSupport
import TerminalUI
import Testing
import Theme

@testable import Dashboard

/// Golden screens of a run whose disk filled up at 3:05: the header's badge (glyph and words, so
/// it reads without colour) and the marker where journalling stopped, while the load goes on.
@Suite(.timeLimit(.minutes(5))) struct JournalStopScreenTests {
  static func model(symbols: SymbolSet = .unicode) -> DashboardModel {
    var metrics = RunFixture.snapshot(seconds: 240)
    metrics.events.append(
      RunEvent(elapsed: 185.4, time: RunFixture.epoch, kind: .journalStopped, label: "disk full"))
    metrics.events.sort { $0.elapsed < $1.elapsed }
    return DashboardModel(
      info: RunFixture.info, status: RunFixture.status(.running, seconds: 240), metrics: metrics,
      state: DashboardState(), theme: .builtInDefault, symbols: symbols,
      dots: symbols == .unicode ? .braille : .ascii)
  }

  @Test func theHeaderSaysTheJournalStoppedAndWhy() {
    let grid = DashboardView.render(Self.model(), width: 120, height: 40)
    expectSnapshot(grid, named: "journal-stopped-120x40")
    let lines = grid.lines()
    #expect(lines[0].contains(" ! journal stopped: disk full "))
    #expect(lines[0].contains("RUNNING"), "the run itself goes on")
    #expect(lines.dropFirst().contains { $0.contains("! journal stopped") }, "the marker legend names it")
    // Words and a glyph first; then the warning colour, reversed and bold like the threshold badge.
    let x = lines[0].distance(
      from: lines[0].startIndex, to: lines[0].range(of: "journal stopped")!.lowerBound)
    let badge = Theme.builtInDefault.style(.warning).adding(.reverse).adding(.bold)
    #expect(grid[x, 0].style.foreground == badge.foreground)
    #expect(grid[x, 0].style.modifiers == badge.modifiers)
  }

  @Test func asciiAndSmall() {
    let grid = DashboardView.render(Self.model(symbols: .ascii), width: 80, height: 24)
    expectSnapshot(grid, named: "journal-stopped-ascii-80x24")
    #expect(grid.lines()[0].contains(" ! journal stopped: disk full "))
  }

  @Test func noBadgeWhileTheJournalKeepsUp() {
    var model = Self.model()
    model.metrics.events.removeAll { $0.kind == .journalStopped }
    #expect(!DashboardView.render(model, width: 120, height: 40).lines()[0].contains("journal"))
  }
}
