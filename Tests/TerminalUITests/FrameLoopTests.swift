import Testing

@testable import TerminalUI

/// The one frame loop: a live screen is drawn every pass, a still one only after a key; keys reach
/// the screen in order; the loop ends when the screen says so, before drawing again.
@Suite(.timeLimit(.minutes(1))) struct FrameLoopTests {
  /// Draws its pass count and the keys it took; ends after `passes` passes.
  final class CountingScreen: FrameScreen {
    let isLive: Bool
    let passes: Int
    private(set) var pass = 0
    private(set) var keys: [Key] = []

    init(isLive: Bool, passes: Int) {
      self.isLive = isLive
      self.passes = passes
    }

    func continues() -> Bool {
      pass += 1
      return pass <= passes
    }

    func render(width: Int, height: Int) -> Grid {
      var grid = Grid(width: width, height: height)
      grid.write("pass \(pass) keys \(keys.count)", x: 0, y: 0)
      return grid
    }

    func handle(_ key: Key) { keys.append(key) }
  }

  @Test func aLiveScreenIsDrawnEveryPassWithOrWithoutAKey() {
    let backend = MemoryBackend(width: 20, height: 2, keys: [.character("a")])
    let screen = CountingScreen(isLive: true, passes: 4)
    FrameLoop.run(screen, on: backend, waitMilliseconds: 0)
    #expect(backend.presented.count == 4)
    #expect(screen.keys == [.character("a")])
    #expect(backend.presented.last?.lines().first?.hasPrefix("pass 4 keys 1") == true)
  }

  @Test func aStillScreenIsDrawnFirstAndThenOnlyAfterAKey() {
    let backend = MemoryBackend(width: 20, height: 2, keys: [.character("a"), .resize])
    let screen = CountingScreen(isLive: false, passes: 6)
    FrameLoop.run(screen, on: backend, waitMilliseconds: 0)
    // The first frame, one after each of the two keys, none for the passes with no key.
    #expect(backend.presented.count == 3)
    #expect(screen.keys == [.character("a"), .resize])
  }

  @Test func aScreenThatEndsAtOnceIsNeverDrawn() {
    let backend = MemoryBackend(width: 20, height: 2, keys: [.character("q")])
    FrameLoop.run(CountingScreen(isLive: true, passes: 0), on: backend, waitMilliseconds: 0)
    #expect(backend.presented.isEmpty)
    #expect(backend.pendingKeys == [.character("q")])
  }

  @Test func theTooSmallScreenCentresItsLinesAndCutsThemInTheScreensSymbols() {
    for symbols in SymbolSet.allCases {
      var grid = Grid(width: 12, height: 5)
      let screen = TooSmallScreen(
        minimumWidth: 80, minimumHeight: 24, status: "running 0:42  q stops", headline: Style(),
        text: Style(), symbols: symbols)
      grid.render(screen, in: grid.area)
      let lines = grid.lines()
      #expect(lines[0].trimmingCharacters(in: .whitespaces).isEmpty)
      #expect(lines[1] == (symbols == .unicode ? "terminal to…" : "terminal to~"))
      #expect(lines[2] == "  now 12x5  ")
      #expect(lines[3].hasPrefix("running 0:4"))
    }
  }
}
