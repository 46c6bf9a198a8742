import Testing
import Vocabulary

@Suite(.timeLimit(.minutes(1))) struct CountTextTests {
  @Test(arguments: [
    (0.0, "0"), (7.5, "7.5"), (950, "950"), (999.4, "999"), (999.6, "1k"), (1000, "1k"), (2500, "2.5k"),
    (12_340, "12.3k"), (120_000, "120k"), (999_400, "999k"), (999_600, "1M"), (1_200_000, "1.2M"),
    (3_100_000_000, "3.1G"), (-2500, "-2.5k"), (.nan, "-"), (.infinity, "-"),
  ])
  func screen(value: Double, text: String) {
    #expect(CountText.format(value) == text)
  }

  @Test(arguments: [TextStyle.report, .plain])
  func reportAndPlainAreWholeAndGrouped(style: TextStyle) {
    #expect(CountText.format(0, style: style) == "0")
    #expect(CountText.format(999.6, style: style) == "1,000")
    #expect(CountText.format(1_234_567, style: style) == "1,234,567")
    #expect(CountText.format(.nan, style: style) == "-")
  }

  @Test(arguments: [
    (0, "0"), (999, "999"), (1000, "1,000"), (1_048_576, "1,048,576"), (-1234, "-1,234"), (-123, "-123"),
  ])
  func grouped(value: Int, text: String) {
    #expect(CountText.grouped(value) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct RateTextTests {
  @Test func setRatesReadAsTyped() {
    #expect(RateText.format(2000) == "2000")
    #expect(RateText.format(0.5) == "0.5")
    #expect(RateText.setting(2000) == "2000/s")
    #expect(RateText.formatLive(1234.5678) == "1235")
    #expect(RateText.formatLive(2.54) == "2.5")
    #expect(RateText.live(9.96) == "10/s")
    #expect(RateText.live(190) == "190/s")
  }

  @Test(arguments: [
    (TextStyle.screen, 0.0, "0/s"), (.report, 0, "0.0/s"), (.plain, 0, "0.0/s"),
    (.screen, 12.34, "12/s"), (.report, 12.34, "12.3/s"), (.plain, 12.34, "12.3/s"),
    (.screen, 99.96, "100/s"), (.report, 99.96, "100/s"), (.plain, 99.96, "100.0/s"),
    (.screen, 6120, "6.12k/s"), (.report, 6120, "6,120/s"), (.plain, 6120, "6120.0/s"),
    (.screen, .nan, "-"), (.report, .infinity, "-"),
  ])
  func measured(style: TextStyle, rate: Double, text: String) {
    #expect(RateText.perSecond(rate, style: style) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct CoresTextTests {
  @Test(arguments: [
    (0.0, "0.00"), (0.404, "0.40"), (1.0, "1.00"), (9.994, "9.99"), (12.46, "12.5"), (-0.1, "0.00"),
    (Double.nan, "-"),
  ])
  func cores(_ value: Double, _ text: String) {
    #expect(CoresText.format(value) == text)
  }

  @Test func withItsUnit() {
    #expect(CoresText.withUnit(0.4) == "0.40 cores")
    #expect(CoresText.withUnit(1) == "1.00 core")
    #expect(CoresText.withUnit(2) == "2.00 cores")
  }
}
