import Testing

@testable import Report

@Test func everyComparedRunGetsItsOwnColour() {
  let colours = (0..<4).map(ReportPalette.run)
  #expect(Set(colours).count == 4)
  #expect(colours.allSatisfy { $0.hasPrefix("#") && $0.count == 7 })
}
