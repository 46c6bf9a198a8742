import Foundation
import Testing

@testable import Report

/// The report's skeleton as a golden file: every element with its id and classes, and the text of
/// headings, captions and table header cells; charts are one `svg` line each (their inside is
/// checked by `HTMLReportTests`). `RECORD_SNAPSHOTS=1` rewrites the files and fails the test.
@Suite(.timeLimit(.minutes(5))) struct ReportGoldenTests {
  @Test func singleRunSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    expectGolden(Self.skeleton(report.root), named: "single-run")
  }

  @Test func comparisonSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(
      fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed, fixtures.stages], axis: .vusers)
    expectGolden(Self.skeleton(report.root), named: "compare-vusers")
  }

  static let textElements: Set<String> = [
    "h1", "h2", "h3", "h4", "th", "caption", "figcaption", "title",
  ]

  static func skeleton(_ root: HTMLNode) -> String {
    var lines: [String] = []
    func walk(_ node: HTMLNode, depth: Int) {
      for child in node.children {
        var line = String(repeating: "  ", count: depth) + child.name
        if let id = child.id { line += "#" + id }
        for name in child.classes { line += "." + name }
        if textElements.contains(child.name) { line += " \"\(child.textContent)\"" }
        lines.append(line)
        if child.name != "svg" && child.name != "style" { walk(child, depth: depth + 1) }
      }
    }
    walk(root, depth: 0)
    return lines.joined(separator: "\n") + "\n"
  }

  func expectGolden(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let file = URL(fileURLWithPath: filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/\(name).skeleton.txt")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try? actual.write(to: file, atomically: true, encoding: .utf8)
      Issue.record(
        "recorded \(file.lastPathComponent); unset RECORD_SNAPSHOTS and run again",
        sourceLocation: sourceLocation)
      return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
      Issue.record("missing \(file.path); run with RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
      return
    }
    let left = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let right = actual.split(separator: "\n", omittingEmptySubsequences: false)
    if let i = (0..<max(left.count, right.count)).first(where: {
      ($0 < left.count ? left[$0] : nil) != ($0 < right.count ? right[$0] : nil)
    }) {
      let want = i < left.count ? String(left[i]) : "<none>"
      let got = i < right.count ? String(right[i]) : "<none>"
      Issue.record(
        "\(name) skeleton differs at line \(i + 1):\n  expected: \(want)\n  actual:   \(got)",
        sourceLocation: sourceLocation)
    }
  }
}
