import Foundation
import TestKit
import TestSupport
import Testing

@testable import Report

/// Renders the comparison report with a headless Chromium when one is installed (skipped where
/// none is): the page must load from a file with no network and paint a real screenshot.
@Suite(.timeLimit(.minutes(30))) struct ReportPNGTests {
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
  func comparisonReportRendersToPNG() async throws {
    let fixtures = try FixtureRuns.shared()
    let html = try HTMLReport.render(
      fixtures.oneBackend, compare: [fixtures.twoBackends, fixtures.killed, fixtures.stages], axis: .vusers,
      generatedAt: FixtureRuns.generatedAt)
    let temporary = try TemporaryDirectory("rampart-report-png")
    defer { temporary.remove() }
    let directory = temporary.path
    let page = "\(directory)/report.html"
    let png = "\(directory)/report.png"
    try ReportFile.write(html, to: page)

    // Chromium stalled or gave up on a machine busy with the load tests (it missed its screenshot
    // in one CI run): it runs while no load test does, with fresh profiles for up to three tries,
    // and its own output is kept for the failure message.
    try await HeavyTest.run {
      for attempt in 1...3 where !FileManager.default.fileExists(atPath: png) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = [
          "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
          "--user-data-dir=\(directory)/profile-\(attempt)",
          "--screenshot=\(png)", "--window-size=1200,3000", "file://\(page)",
        ]
        _ = FileManager.default.createFile(atPath: "\(directory)/chromium-\(attempt).log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/chromium-\(attempt).log"))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        _ = try await Poll.until(seconds: 60) { !process.isRunning }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
      }
    }
    let logs = (1...3).compactMap {
      try? String(contentsOfFile: "\(directory)/chromium-\($0).log", encoding: .utf8)
    }
    let tail = logs.joined(separator: "\n---\n").split(separator: "\n").suffix(12).joined(separator: "\n")

    let data = try #require(
      FileManager.default.contents(atPath: png), "chromium wrote no screenshot; its output:\n\(tail)")
    #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // IHDR: width and height, big-endian, at bytes 16..<24.
    let width = data.count >= 24 ? data[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
    let height = data.count >= 24 ? data[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
    #expect(width == 1200 && height == 3000)
    // A blank or error page compresses to a few kilobytes; charts, tables and text do not.
    #expect(data.count > 60_000, "screenshot is only \(data.count) bytes")
  }
}
