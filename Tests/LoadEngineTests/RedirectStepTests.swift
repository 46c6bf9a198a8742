import Testing

@testable import LoadEngine

@Suite("Redirect steps", .timeLimit(.minutes(5)))
struct RedirectStepTests {
  let target = try! HTTPTarget(parsing: "http://127.0.0.1:8080/a")

  func step(_ status: Int, _ location: String?, following: Bool = true) -> RedirectStep {
    RedirectStep.of(
      status: status, location: location.map { Array($0.utf8) }, target: target, following: following)
  }

  @Test("a same-origin 3xx is followed; other statuses, other origins and disabled following answer")
  func decisions() {
    #expect(step(302, "/b") == .follow(path: "/b"))
    #expect(step(308, "http://127.0.0.1:8080/c?x=1") == .follow(path: "/c?x=1"))
    #expect(step(200, "/b") == .answer)
    #expect(step(304, "/b") == .answer)
    #expect(step(301, nil) == .answer)
    #expect(step(301, "http://example.com/") == .answer)
    #expect(step(302, "/b", following: false) == .answer)
  }

  @Test("a Location with spaces or control bytes is a protocol violation")
  func badLocation() {
    #expect(step(302, "http://other host/") == .badLocation)
    #expect(step(302, "http://x/\u{7F}") == .badLocation)
  }
}
