import Testing

@testable import Report

@Test(.timeLimit(.minutes(5))) func everyComparedRunGetsItsOwnColour() {
  let colours = (0..<4).map(ReportPalette.run)
  #expect(Set(colours).count == 4)
  #expect(colours.allSatisfy { $0.hasPrefix("#") && $0.count == 7 })
}
