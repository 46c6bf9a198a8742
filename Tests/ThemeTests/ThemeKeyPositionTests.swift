import ConfigDiagnostics
import Testing

@testable import Theme

/// TOMLKit gives no positions for parsed keys, so errors about values find their place through
/// the scanner plan files use: the key's own position, or its nearest enclosing key's.
@Suite(.timeLimit(.minutes(5))) struct ThemeKeyPositionTests {
  private let text = """
    # "[roles]" in a comment is not a header, nor is tps = 1
    [meta]
    name = "x # not a comment"

    [roles]
    tps = { fg = "#12345" }   # inline table
    "latency" . fg = 3

    [roles.p95]
    fg = "red"
    mono = [
      "bold",
    ]
    """

  @Test(arguments: [
    (["meta", "name"], 3, 1),
    (["roles", "tps"], 6, 1),
    (["roles", "tps", "fg"], 6, 9),
    (["roles", "latency", "fg"], 7, 1),
    (["roles", "p95"], 9, 1),
    (["roles", "p95", "fg"], 10, 1),
    (["roles", "p95", "mono"], 11, 1),
  ])
  func findsTheLineAndColumnOfAKey(path: [String], line: Int, column: Int) {
    let points = TOMLScanner.scan(text).points
    #expect(ThemeFileParser.position(of: path, in: points) == SourcePoint(line: line, column: column))
  }

  @Test func aKeyThatIsNotThereHasNoPlaceButItsTableHas() {
    let points = TOMLScanner.scan(text).points
    #expect(ThemeFileParser.position(of: ["roles", "p99"], in: points) == SourcePoint(line: 5, column: 1))
    #expect(ThemeFileParser.position(of: ["colours"], in: points) == nil)
  }
}
