import Foundation
import Testing

/// The rules the test suite keeps, read from its own sources: every suite and every free test has
/// a time limit (a hang must end `swift test`, not stall CI for its 90 minutes).
@Suite(.timeLimit(.minutes(1)))
struct TestHygieneTests {
  /// `Tests/` of this package, found from this file.
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()

  static func sources() throws -> [(path: String, text: String)] {
    let enumerator = FileManager.default.enumerator(atPath: testsDirectory.path)
    var files: [(String, String)] = []
    while let name = enumerator?.nextObject() as? String {
      guard name.hasSuffix(".swift") else { continue }
      let text = try String(contentsOf: testsDirectory.appendingPathComponent(name), encoding: .utf8)
      files.append((name, text))
    }
    return files
  }

  /// Each `@Suite` attribute and each `@Test` that stands outside any type, with its traits.
  static func attributes(_ name: String, in text: String) -> [(line: Int, text: String)] {
    var found: [(Int, String)] = []
    let lines = text.components(separatedBy: "\n")
    for (index, line) in lines.enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix(name), name == "@Suite" || line.hasPrefix(name) else { continue }
      // An attribute's arguments may run over several lines: read to its closing parenthesis.
      var attribute = ""
      var depth = 0
      for next in lines[index...] {
        attribute += next + "\n"
        depth += next.filter { $0 == "(" }.count - next.filter { $0 == ")" }.count
        if depth <= 0 { break }
      }
      found.append((index + 1, attribute))
    }
    return found
  }

  @Test("every suite, and every test outside a suite, has a time limit")
  func everySuiteHasATimeLimit() throws {
    let files = try Self.sources()
    #expect(files.count > 50, "found only \(files.count) test files under \(Self.testsDirectory.path)")
    var missing: [String] = []
    for (path, text) in files where text.contains("@Test") {
      for attribute in ["@Suite", "@Test"] {
        for (line, text) in Self.attributes(attribute, in: text) where !text.contains("timeLimit") {
          missing.append("\(path):\(line)")
        }
      }
      // A type of tests with no @Suite attribute is a suite without traits.
      if !text.contains("@Suite") && !text.contains(".timeLimit") {
        missing.append("\(path): tests without a suite or a time limit")
      }
    }
    #expect(missing.isEmpty, "no time limit: \(missing.joined(separator: ", "))")
  }

  /// Swift Testing 6.3 starts every case at once unless this bound is set, and time limits count
  /// from the start: quick tests queued behind slow ones on two cores ran out of time unrun.
  /// `Tests/CTestSupport/parallelism.c` sets it before main; this fails if that ever stops.
  @Test("test cases run under a parallelism bound, so a time limit counts from a test's own start")
  func testCasesRunUnderABound() throws {
    let value = ProcessInfo.processInfo.environment["SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH"]
    let width = try #require(
      value.flatMap { Int($0) }, "the width is unset or not a number: \(value ?? "unset")")
    #expect(width >= 1)
  }
}
