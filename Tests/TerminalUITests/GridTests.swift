import Testing

@testable import TerminalUI

@Suite(.timeLimit(.minutes(5))) struct GridTests {
  @Test func writesClipAtTheEdgesInsteadOfCrashing() {
    var grid = Grid(width: 5, height: 2)
    let used = grid.write("abcdefgh", x: 2, y: 0)
    #expect(used == 3)
    grid.write("zz", x: -1, y: 1)
    grid.write("x", x: 0, y: 7)
    grid.write("y", x: 9, y: 0)
    #expect(grid.lines() == ["  abc", "z    "])
  }

  @Test func wideCharactersTakeTwoCellsAndNeverHangOffTheEdge() {
    var grid = Grid(width: 5, height: 1)
    grid.write("日本語", x: 0, y: 0)
    // The third ideograph does not fit in the one column left: a space stands in.
    #expect(grid.lines() == ["日本 "])
    #expect(grid[1, 0].isContinuation)
    #expect(DisplayWidth.of(grid.lines()[0]) == 5)
  }

  @Test func overwritingHalfOfAWideCharacterClearsTheOtherHalf() {
    var grid = Grid(width: 4, height: 1)
    grid.write("日x", x: 0, y: 0)
    grid.write("a", x: 1, y: 0)
    #expect(grid.lines() == [" ax "])
    grid.write("本", x: 2, y: 0)
    grid.write("b", x: 2, y: 0)
    #expect(grid.lines() == [" ab "])
  }

  @Test func controlCharactersAreShownInert() {
    var grid = Grid(width: 12, height: 1)
    grid.write("a\u{1b}[31mb\u{7f}", x: 0, y: 0)
    #expect(grid.lines() == ["a^[[31mb^?  "])
  }

  @Test func stylesPatchOverWhatIsThere() {
    var grid = Grid(width: 3, height: 1)
    grid.setStyle(Style(background: .indexed(1)), in: grid.area)
    grid.write("x", x: 1, y: 0, style: Style(foreground: .indexed(2), modifiers: .bold))
    #expect(grid[1, 0].style == Style(foreground: .indexed(2), background: .indexed(1), modifiers: .bold))
    #expect(grid[0, 0].style == Style(background: .indexed(1)))
  }
}

@Suite(.timeLimit(.minutes(5))) struct DisplayWidthTests {
  @Test(arguments: [
    ("a", 1), ("é", 1), ("e\u{301}", 1), ("日", 2), ("한", 2), ("😀", 2), ("⣿", 1), ("─", 1), ("\u{200B}", 0),
    ("\u{1b}", 0), ("ｱ", 1), ("Ａ", 2),
  ])
  func widthOfOneCharacter(text: String, width: Int) {
    #expect(DisplayWidth.of(text) == width)
  }

  @Test func truncationEndsInAnEllipsisAndFits() {
    #expect(DisplayWidth.truncate("hello world", to: 8) == "hello w…")
    #expect(DisplayWidth.truncate("日本語テキスト", to: 6) == "日本…")
    #expect(DisplayWidth.truncate("short", to: 8) == "short")
    #expect(DisplayWidth.truncate("abc", to: 0) == "")
  }
}

@Suite(.timeLimit(.minutes(5))) struct LayoutTests {
  @Test func fixedThenMinimumThenFillSharesAddUp() {
    let rects = Layout.split(
      Rect(x: 0, y: 0, width: 10, height: 25), .vertical,
      [.length(3), .fill(2), .min(4), .fill(1), .length(1)])
    #expect(rects.map(\.height) == [3, 9, 8, 4, 1])
    #expect(rects.map(\.y) == [0, 3, 12, 20, 24])
  }

  @Test func notEnoughRoomShrinksFromTheEnd() {
    let rects = Layout.split(
      Rect(x: 2, y: 0, width: 5, height: 1), .horizontal, [.length(4), .length(4), .fill(1)])
    #expect(rects.map(\.width) == [4, 1, 0])
    #expect(rects.map(\.x) == [2, 6, 7])
  }

  @Test func rectSplitsAndInsetsNeverGoNegative() {
    let r = Rect(x: 1, y: 1, width: 3, height: 2)
    #expect(r.inset(by: 2).isEmpty)
    #expect(r.splitRight(10).rest.width == 0)
    #expect(r.centered(width: 1, height: 1) == Rect(x: 2, y: 1, width: 1, height: 1))
    #expect(r.intersection(Rect(x: 10, y: 10, width: 1, height: 1)).isEmpty)
  }
}
