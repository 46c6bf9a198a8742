import Testing
import Vocabulary

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

@Suite(.timeLimit(.minutes(5))) struct FormatTests {
  @Test(arguments: [
    (0.0, "0"), (7.5, "7.5"), (950, "950"), (1000, "1k"), (2500, "2.5k"), (12_340, "12.3k"),
    (120_000, "120k"),
    (1_200_000, "1.2M"),
  ])
  func counts(value: Double, text: String) {
    #expect(Format.count(value) == text)
  }

  @Test(arguments: [
    (0.85, "850 µs"), (1.234, "1.23 ms"), (12.5, "12.5 ms"), (120, "120 ms"), (1500, "1.5 s"),
  ])
  func milliseconds(value: Double, text: String) {
    #expect(Format.milliseconds(value) == text)
  }

  @Test func clocksAndPercents() {
    #expect(ClockText.format(0) == "0:00")
    #expect(ClockText.format(90.7) == "1:30")
    #expect(ClockText.format(3720) == "1:02:00")
    #expect(Format.percent(0.0004) == "<0.1%")
    #expect(Format.percent(0.052) == "5.2%")
    #expect(ByteSize.format(1536) == "1.5 KiB")
  }

  @Test("one spelling: a stopwatch clock and binary sizes in every style")
  func oneSpelling() {
    // 59.6 s read "1:00" on the compare screen and "0:59" live before both used ClockText.
    #expect(ClockText.format(59.6) == "0:59")
    #expect(ClockText.format(-3) == "0:00" && ClockText.format(.nan) == "0:00")
    #expect(ByteSize.format(950, style: .fixed) == "950 B")
    #expect(ByteSize.format(28_672, style: .fixed) == "28.0 KiB")
    #expect(ByteSize.format(28_672) == "28 KiB")
    #expect(ByteSize.format(126_248_550, style: .fixed) == "120.4 MiB")
    #expect(NiceScale.ticks(max: 0.42) == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
  }

  @Test func niceStepsReadCleanly() {
    #expect(NiceScale.step(for: 9_300, intervals: 4) == 2500)
    #expect(NiceScale.step(for: 100, intervals: 4) == 25)
    #expect(NiceScale.step(for: 0.3, intervals: 2) == 0.2)
    #expect(NiceScale.timeStep(for: 600, count: 8) == 120)
    #expect(NiceScale.timeStep(for: 20, count: 8) == 5)
  }
}
