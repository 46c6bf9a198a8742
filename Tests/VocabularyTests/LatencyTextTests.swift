import Testing
import Vocabulary

@Suite(.timeLimit(.minutes(1))) struct LatencyTextTests {
  @Test(arguments: [
    (0.0, "0 ms"), (-5, "0 ms"), (0.0004, "0 µs"), (0.85, "850 µs"), (0.9996, "1 ms"), (1.234, "1.23 ms"),
    (9.996, "10 ms"), (12.5, "12.5 ms"), (99.96, "100 ms"), (120, "120 ms"), (999.4, "999 ms"),
    (999.95, "1 s"), (1500, "1.5 s"), (9_999, "10 s"), (12_345, "12.3 s"), (.nan, "-"), (.infinity, "-"),
  ])
  func screen(ms: Double, text: String) {
    #expect(LatencyText.format(ms) == text)
    #expect(LatencyText.format(ms, style: .screen) == text)
  }

  @Test(arguments: [
    (0.0, "0.0 ms"), (-5, "0.0 ms"), (0.86, "0.9 ms"), (12.34, "12.3 ms"), (99.94, "99.9 ms"),
    (99.96, "100 ms"), (120.4, "120 ms"), (999.95, "1000 ms"), (1500, "1500 ms"), (.nan, "-"),
  ])
  func report(ms: Double, text: String) {
    #expect(LatencyText.format(ms, style: .report) == text)
  }

  @Test(arguments: [
    (0.0, "0.00ms"), (0.85, "0.85ms"), (12.346, "12.35ms"), (99.996, "100ms"), (120.4, "120ms"),
    (999.4, "999ms"), (999.6, "1.00s"), (1500, "1.50s"), (-1, "0.00ms"), (.infinity, "-"),
  ])
  func plain(ms: Double, text: String) {
    #expect(LatencyText.format(ms, style: .plain) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct PercentTextTests {
  @Test(arguments: [
    (TextStyle.screen, 0.0, "0%"), (.report, 0, "0%"), (.plain, 0, "0.00%"),
    // Below 0.1% every style says the same: one spelling where the screen said "<0.1%".
    (.screen, 0.00005, "<0.01%"), (.report, 0.00005, "<0.01%"), (.plain, 0.00005, "<0.01%"),
    (.screen, 0.0005, "0.05%"), (.report, 0.0005, "0.05%"), (.plain, 0.0005, "0.05%"),
    (.screen, 0.052, "5.2%"), (.report, 0.052, "5.2%"), (.plain, 0.052, "5.20%"),
    (.screen, 0.1234, "12%"), (.report, 0.1234, "12.3%"), (.plain, 0.1234, "12.34%"),
    (.screen, 1, "100%"), (.report, 1, "100.0%"), (.plain, 1, "100.00%"),
    (.screen, -0.5, "0%"), (.screen, .nan, "-"), (.plain, .infinity, "-"),
  ])
  func format(style: TextStyle, fraction: Double, text: String) {
    #expect(PercentText.format(fraction, style: style) == text)
  }

  @Test func changes() {
    #expect(PercentText.change(48.2) == "+48%")
    #expect(PercentText.change(-3.24) == "-3.2%")
    #expect(PercentText.change(0) == "+0.0%")
    #expect(PercentText.change(nil) == "")
    #expect(PercentText.change(.nan) == "")
  }
}
