import Foundation
import Testing

@testable import Report

/// Renders the comparison report with a headless Chromium when one is installed (it is not in
/// CI): the page must load from a file with no network and paint a real screenshot.
@Suite struct ReportPNGTests {
  static let chromium: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }()

  @Test(.enabled(if: chromium != nil, "no chromium, chromium-browser or google-chrome on PATH"))
  func comparisonReportRendersToPNG() throws {
    let fixtures = try FixtureRuns.shared()
    let html = try HTMLReport.render(
      fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed, fixtures.stages], axis: .vusers,
      generatedAt: FixtureRuns.generatedAt)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "rampart-report-png-\(UUID())"
    ).path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let page = "\(directory)/report.html"
    let png = "\(directory)/report.png"
    try ReportFile.write(html, to: page)

    // Chromium can stall on a machine busy with the rest of the suite: one more try, fresh profile.
    for attempt in 1...2 where !FileManager.default.fileExists(atPath: png) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Self.chromium!)
      process.arguments = [
        "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
        "--user-data-dir=\(directory)/profile-\(attempt)",
        "--screenshot=\(png)", "--window-size=1200,3000", "file://\(page)",
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      let deadline = Date().addingTimeInterval(60)
      while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
    }

    let data = try #require(FileManager.default.contents(atPath: png), "chromium wrote no screenshot")
    #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // IHDR: width and height, big-endian, at bytes 16..<24.
    let width = data.count >= 24 ? data[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
    let height = data.count >= 24 ? data[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
    #expect(width == 1200 && height == 3000)
    // A blank or error page compresses to a few kilobytes; charts, tables and text do not.
    #expect(data.count > 60_000, "screenshot is only \(data.count) bytes")
  }
}
