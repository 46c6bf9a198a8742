import Testing

@testable import Theme

/// TOMLKit gives no positions for parsed keys, so errors about values find their line by
/// scanning the text.
@Suite(.timeLimit(.minutes(5))) struct KeyLocatorTests {
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
    (["meta", "name"], 3),
    (["roles", "tps"], 6),
    (["roles", "tps", "fg"], 6),
    (["roles", "latency", "fg"], 7),
    (["roles", "p95"], 9),
    (["roles", "p95", "fg"], 10),
    (["roles", "p95", "mono"], 11),
  ])
  func findsTheLineOfAKey(path: [String], line: Int) {
    #expect(KeyLocator.line(of: path, in: text) == line)
  }

  @Test func aKeyThatIsNotThereHasNoLine() {
    #expect(KeyLocator.line(of: ["roles", "p99"], in: text) == nil)
  }
}
