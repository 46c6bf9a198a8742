import ArgumentParser
import Foundation
import Report
import RunStore

/// `rampart report RUN [--compare OTHER]... [--by time|vusers] [-o FILE] [--out DIR]`: one
/// self-contained HTML file (inline CSS and SVG, no script, nothing fetched) for a pull request.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write a run's report as one self-contained HTML file (SVG charts, no scripts).",
    discussion: """
      RUN (and each --compare run) is a run directory, its directory name under --out, a run name \
      (the newest run of that name) or a unique prefix of either. With --compare the report overlays \
      the runs (A is RUN, then B, C, D) and adds the delta table; --by vusers adds capacity curves.
      """)

  @Argument(help: ArgumentHelp("The run to report.", valueName: "run"))
  var reference: String

  @Option(
    name: .customLong("compare"),
    help: ArgumentHelp("Another run to compare with (up to 3).", valueName: "run"))
  var others: [String] = []

  @Option(name: .customLong("by"), help: "Comparison axis: time or vusers (adds capacity curves).")
  var axis: CompareAxis = .time

  @Option(
    name: [.customShort("o"), .customLong("output")], help: "The HTML file (default: <run dir>/report.html).")
  var output: String?

  @Option(help: "Directory that keeps the runs.")
  var out: String = "rampart-runs"

  func run() throws {
    guard others.count <= RunComparison.letters.count - 1 else {
      throw ValidationError(
        "report compares at most \(RunComparison.letters.count) runs, got \(others.count + 1)")
    }
    let loaded = try RunReference.loadDistinct([reference] + others, root: out)
    let html: String
    do {
      html = try HTMLReport.render(
        loaded[0], compare: Array(loaded.dropFirst()), axis: axis, generatedAt: Date())
    } catch {
      throw ValidationError(error.description)
    }
    let path = output ?? (loaded[0].directory as NSString).appendingPathComponent("report.html")
    do {
      try ReportFile.write(html, to: path)
    } catch {
      throw ValidationError(error.description)
    }
    printOut(path)
  }

}
