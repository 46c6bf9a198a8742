import ArgumentParser
import Foundation
import LoadEngine
import Metrics
import PlanFile

/// The flags `run` and `find` share beyond the load itself: the control socket, the run's name and
/// directory, and headless output.
struct SessionOptions: ParsableArguments {
  @Option(
    name: .customLong("control"),
    help: "Open a control socket (Unix socket, mode 0600) at PATH for `rampart ctl PATH COMMAND`.")
  var controlPath: String?

  @Flag(
    name: .customLong("allow-outside-plan-dir"),
    help: "Let a plan file's body_file name files outside the plan's own directory.")
  var allowOutsidePlanDirectory = false

  @Option(help: "Name of the run (default: the plan's name, or the target's host and port).")
  var name: String?

  @Option(help: "Directory that keeps the runs.")
  var out: String = "rampart-runs"

  @Flag(name: .customLong("no-tui"), help: "Headless: progress lines and a summary instead of the dashboard.")
  var noTUI = false

  @Flag(help: "Print the summary as one JSON object on stdout (progress lines go to stderr).")
  var json = false

  @Flag(name: [.customShort("q"), .customLong("quiet")], help: "No per-second progress lines.")
  var quiet = false

  /// The plan file when the argument names one (.toml, .yaml, .yml), nil for a URL.
  func loadPlan(_ argument: String) throws -> PlanDocument? {
    guard !argument.contains("://"), PlanFormat(path: argument) != nil else { return nil }
    do {
      return try PlanLoader.load(
        path: argument, environment: ProcessInfo.processInfo.environment,
        allowOutsideFiles: allowOutsidePlanDirectory)
    } catch {
      let escaped = error.message.contains("plan's directory") && !allowOutsidePlanDirectory
      throw ValidationError(error.description + (escaped ? " (--allow-outside-plan-dir allows it)" : ""))
    }
  }

  /// The runner for `config` with this session's naming, output and control, the plan's theme
  /// under the flags' and the plan's secrets kept out of everything it writes.
  func makeRunner(
    config: EngineConfig, plan: PlanDocument?, display: DisplayOptions, logs: LogSetup?,
    redact: @escaping @Sendable (String) -> String
  ) -> LoadRunner {
    var display = display
    if display.theme == nil { display.theme = plan?.theme }
    var runner = LoadRunner(
      config: config, name: name ?? plan?.name ?? "\(config.target.host)_\(config.target.port)",
      out: out, display: display, noTUI: noTUI, json: json, quiet: quiet, logs: logs, controlPath: controlPath
    )
    runner.redact = redact
    return runner
  }
}
