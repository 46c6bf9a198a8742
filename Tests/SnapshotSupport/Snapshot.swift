import Foundation
import TerminalUI
import Testing

/// Golden-file check for grids: compares `grid.snapshotText()` with `Snapshots/<name>.txt` next to
/// the calling test file. `RECORD_SNAPSHOTS=1` writes the file instead and fails the test, so a
/// recording can never pass unnoticed.
public func expectSnapshot(
  _ grid: Grid, named name: String, filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectTextSnapshot(grid.snapshotText(), named: name, filePath: filePath, sourceLocation: sourceLocation)
}

/// The same check for any text (a table, a JSON document): `Snapshots/<name>.<ext>`.
public func expectTextSnapshot(
  _ actual: String, named name: String, ext: String = "txt", filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent(
    "Snapshots")
  let file = directory.appendingPathComponent("\(name).\(ext)")
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try? actual.write(to: file, atomically: true, encoding: .utf8)
    Issue.record(
      "recorded snapshot \(name); unset RECORD_SNAPSHOTS and run again", sourceLocation: sourceLocation)
    return
  }
  guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
    Issue.record("missing snapshot \(file.path); run with RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
    return
  }
  if expected != actual {
    let diff = firstDifference(expected, actual)
    Issue.record(
      "snapshot \(name) differs at \(diff)\n--- actual:\n\(actual)", sourceLocation: sourceLocation)
  }
}

private func firstDifference(_ a: String, _ b: String) -> String {
  let left = a.split(separator: "\n", omittingEmptySubsequences: false)
  let right = b.split(separator: "\n", omittingEmptySubsequences: false)
  for i in 0..<max(left.count, right.count) {
    let l = i < left.count ? String(left[i]) : "<none>"
    let r = i < right.count ? String(right[i]) : "<none>"
    if l != r { return "line \(i + 1):\n  expected: \(l)\n  actual:   \(r)" }
  }
  return "?"
}
