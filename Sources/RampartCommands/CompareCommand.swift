import ArgumentParser
import CompareScreen
import Foundation
import RunStore
import Theme

/// `rampart compare A B [C D]`: two to four kept runs side by side. On a terminal, the overlay
/// charts and the delta table; through a pipe (or `--no-tui`), the delta table and notes as plain
/// text; with `--json`, the table as one JSON object.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare 2 to 4 runs: overlay charts by time or by vusers, and a delta table.",
    discussion: """
      A run is named by its --name (the newest run of that name), its directory name under --out, \
      a path to its directory, or a unique prefix of a name or directory name. The first run (A) is \
      the baseline every change is measured against.
      """)

  @Argument(help: "Two to four runs: a name, a directory, or a unique prefix of either.")
  var runs: [String] = []

  @Option(help: "X axis: time (seconds since each run started) or vusers (active vusers, capacity curves).")
  var by: CompareAxis = .time

  @Flag(help: "Print the delta table, runs and notes as one JSON object on stdout.")
  var json = false

  @Option(help: "Directory that keeps the runs.")
  var out: String = "rampart-runs"

  @Flag(
    name: .customLong("no-tui"), help: "Print the delta table and notes as plain text instead of the screen.")
  var noTUI = false

  @Option(help: "Colour theme: a name from the themes folder (default, light, nord, ...) or a .toml file.")
  var theme: String = "default"

  @Flag(
    help: "ASCII only: borders, charts and glyphs without Unicode (automatic when the locale is not UTF-8).")
  var ascii = false

  func validate() throws {
    guard (2...RunComparison.letters.count).contains(runs.count) else {
      throw ValidationError("compare takes 2 to 4 runs, got \(runs.count)")
    }
  }

  func run() throws {
    let loaded = try RunReference.loadDistinct(runs, root: out)
    let comparison: RunComparison
    do {
      comparison = try RunComparison(loaded, axis: by)
    } catch {
      throw ValidationError(error.description)
    }
    if json {
      printOut(comparison.json(pretty: false))
      return
    }
    let themes: [Theme]
    do {
      themes = try DashboardSession.loadThemes(named: theme)
    } catch {
      throw ValidationError(error.description)
    }
    guard let session = openScreen(themes: themes) else {
      FileHandle.standardOutput.write(Data(CompareText.render(comparison).utf8))
      return
    }
    let signals = SignalStop(
      onFirst: { _ in session.exitFlag.set() }, beforeForcedExit: { session.restoreForExit() })
    session.runCompare(comparison)
    _ = signals
    if session.exitFlag.isSet { throw ExitCode(ExitStatus.interrupted) }
  }

  /// The screen on an interactive terminal; nil for plain text. A terminal that cannot draw says
  /// why on stderr; a pipe is the ordinary way to get text and needs no note.
  private func openScreen(themes: [Theme]) -> DashboardSession? {
    let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
    let mode = ScreenMode.choose(
      noTUI: noTUI, stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: stdoutIsTTY,
      term: ProcessInfo.processInfo.environment["TERM"])
    switch mode {
    case .headless(let reason):
      if let reason, stdoutIsTTY { printError("rampart: \(reason): printing the table instead") }
      return nil
    case .dashboard:
      let display: DisplayOptions
      do {
        display = try DisplayOptions.parse(["--theme", theme] + (ascii ? ["--ascii"] : []))
      } catch {
        return nil
      }
      switch DashboardSession.open(display: display, themes: themes) {
      case .success(let session): return session
      case .failure(let error):
        printError("rampart: \(error): printing the table instead")
        return nil
      }
    }
  }
}

extension CompareAxis: ExpressibleByArgument {}
