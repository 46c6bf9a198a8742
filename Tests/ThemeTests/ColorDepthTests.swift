import Testing

@testable import Theme

@Suite(.timeLimit(.minutes(5))) struct ColorDepthTests {
  @Test func noColorDisablesColourOnlyWhenSetAndNotEmpty() {
    #expect(ColorDepth.detect(colorCount: 256, noColor: nil) == .palette256)
    #expect(ColorDepth.detect(colorCount: 256, noColor: "") == .palette256)
    #expect(ColorDepth.detect(colorCount: 256, noColor: "1") == .monochrome)
    #expect(ColorDepth.detect(colorCount: 16_777_216, noColor: "0") == .monochrome)
  }

  @Test(arguments: [
    (-1, ColorDepth.monochrome),  // terminfo has no colors entry
    (0, .monochrome),  // vt100
    (2, .monochrome),
    (8, .ansi8),  // xterm, linux
    (16, .ansi16),
    (88, .ansi16),
    (256, .palette256),  // xterm-256color
    (16_777_215, .palette256),
    (16_777_216, .trueColor),  // xterm-direct
  ])
  func colourCountsMapToDepths(count: Int, depth: ColorDepth) {
    #expect(ColorDepth.detect(colorCount: count, noColor: nil) == depth)
  }
}
