import Foundation
import SnapshotSupport
import Testing

@testable import Report

/// The report's skeleton as a golden file: every element with its id and classes, and the text of
/// headings, captions and table header cells; charts are one `svg` line each (their inside is
/// checked by `HTMLReportTests`). `RECORD_SNAPSHOTS=1` rewrites the files and fails the test.
@Suite(.timeLimit(.minutes(5))) struct ReportGoldenTests {
  @Test func singleRunSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.oneBackend)
    expectTextSnapshot(Self.skeleton(report.root), named: "single-run", ext: "skeleton.txt")
  }

  @Test func comparisonSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(
      fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed, fixtures.stages], axis: .vusers)
    expectTextSnapshot(Self.skeleton(report.root), named: "compare-vusers", ext: "skeleton.txt")
  }

  /// The Target lane: a watched run's CPU and memory charts (with the saturation note) after
  /// the vusers chart.
  @Test func watchedRunSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.watchedOneBackend)
    expectTextSnapshot(Self.skeleton(report.root), named: "single-run-watched", ext: "skeleton.txt")
  }

  /// Watched runs compared: the Target CPU overlay and the target rows of the delta table.
  @Test func watchedComparisonSkeleton() throws {
    let fixtures = try FixtureRuns.shared()
    let report = try Rendered(fixtures.watchedOneBackend, compare: [fixtures.watchedTwoBackends])
    expectTextSnapshot(Self.skeleton(report.root), named: "compare-watched-time", ext: "skeleton.txt")
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
}
