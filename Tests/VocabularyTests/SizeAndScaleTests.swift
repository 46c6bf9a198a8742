import Testing
import Vocabulary

@Suite(.timeLimit(.minutes(1))) struct ByteSizeTests {
  @Test(arguments: [
    (TextStyle.screen, 0.0, "0 B"), (.report, 0, "0 B"), (.plain, 0, "0 B"),
    (.screen, 950, "950 B"), (.report, 950, "950 B"), (.plain, 950, "950 B"),
    (.screen, 1536, "1.5 KiB"), (.report, 1536, "1.5 KiB"),
    (.screen, 28_672, "28 KiB"), (.report, 28_672, "28.0 KiB"), (.plain, 28_672, "28.0 KiB"),
    (.screen, 126_248_550, "120 MiB"), (.report, 126_248_550, "120.4 MiB"),
    (.screen, -5, "0 B"), (.report, .nan, "0 B"),
  ])
  func format(style: TextStyle, bytes: Double, text: String) {
    #expect(ByteSize.format(bytes, style: style) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct NiceScaleTests {
  @Test func stepsReadCleanly() {
    #expect(NiceScale.step(for: 9_300, intervals: 4) == 2500)
    #expect(NiceScale.step(for: 100, intervals: 4) == 25)
    #expect(NiceScale.step(for: 0.3, intervals: 2) == 0.2)
    #expect(NiceScale.step(for: 0, intervals: 4) == 1)
    #expect(NiceScale.step(for: .nan, intervals: 4) == 1)
    #expect(NiceScale.ticks(max: 0.42) == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    #expect(NiceScale.ticks(max: 0) == [0, 1])
    #expect(NiceScale.timeStep(for: 600, count: 8) == 120)
    #expect(NiceScale.timeStep(for: 20, count: 8) == 5)
  }

  @Test(arguments: [
    (TextStyle.screen, 2500.0, 500.0, "2.5k"), (.report, 2500, 500, "2,500"), (.plain, 2500, 500, "2,500"),
    (.screen, 20_000, 5000, "20k"), (.report, 20_000, 5000, "20k"), (.report, 12_500, 2500, "12,500"),
    (.screen, 0.25, 0.05, "0.3"), (.report, 0.25, 0.05, "0.25"), (.report, 0.1, 0.1, "0.1"),
    (.report, 0, 1, "0"), (.report, .nan, 1, "-"),
  ])
  func tickLabels(style: TextStyle, value: Double, step: Double, text: String) {
    #expect(NiceScale.tickLabel(value, step: step, style: style) == text)
  }
}

@Suite(.timeLimit(.minutes(1))) struct NumberTextTests {
  @Test(arguments: [(1.0, 2, "1"), (1.25, 1, "1.3"), (1.2345, 2, "1.23"), (0.1, 3, "0.1"), (12.0, 0, "12")])
  func trimmed(value: Double, decimals: Int, text: String) {
    #expect(NumberText.trimmed(value, decimals: decimals) == text)
  }
}
