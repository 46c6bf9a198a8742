import ArgumentParser
import Dashboard
import Foundation
import LoadEngine
import Metrics
import PlanFile
import RunStore
import Synchronization
import Theme

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run a load test against a URL or from a plan file (TOML or YAML).")

  @OptionGroup var load: LoadOptions

  @OptionGroup(title: "Server logs") var logs: LogOptions

  @OptionGroup(title: "Dashboard") var display: DisplayOptions

  @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions

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

  func run() async throws {
    let plan = try loadPlan()
    // Values a plan took from the environment never reach a file, the screen or a message.
    let redact: @Sendable (String) -> String = { text in plan?.secrets.redact(text) ?? text }
    var config: EngineConfig
    do {
      config = try load.makeConfig(plan: plan)
    } catch {
      throw ValidationError(redact(error.message))
    }
    let logSetup = try logs.makeSetup(plan: plan)
    var display = display
    if display.theme == nil { display.theme = plan?.theme }
    var runner = LoadRunner(
      config: config, name: name ?? plan?.name ?? "\(config.target.host)_\(config.target.port)", out: out,
      display: display, noTUI: noTUI, json: json, quiet: quiet, logs: logSetup, controlPath: controlPath)
    runner.redact = redact
    runner.thresholds =
      try planThresholds(plan, hasLogs: logSetup != nil) + thresholds.makeThresholds(hasLogs: logSetup != nil)
    runner.abortOnFail = thresholds.abortOnFail || (plan?.abortOnFail ?? false)
    if runner.abortOnFail && runner.thresholds.isEmpty {
      throw ValidationError(
        "--abort-on-fail needs at least one threshold (--threshold or [thresholds] checks)")
    }
    runner.abortDelay = try thresholds.abortDelay == nil ? plan?.abortDelay ?? 0 : thresholds.makeAbortDelay()
    try await runner.execute()
  }

  /// The plan file when the argument names one (.toml, .yaml, .yml), nil for a URL.
  private func loadPlan() throws -> PlanDocument? {
    guard !load.url.contains("://"), PlanFormat(path: load.url) != nil else { return nil }
    do {
      return try PlanLoader.load(
        path: load.url, environment: ProcessInfo.processInfo.environment,
        allowOutsideFiles: allowOutsidePlanDirectory)
    } catch {
      let escaped = error.message.contains("plan's directory") && !allowOutsidePlanDirectory
      throw ValidationError(error.description + (escaped ? " (--allow-outside-plan-dir allows it)" : ""))
    }
  }

  /// The plan's `[thresholds] checks`, each error pointing at its line.
  private func planThresholds(_ plan: PlanDocument?, hasLogs: Bool) throws -> [Threshold] {
    guard let plan else { return [] }
    return try plan.thresholds.map { entry in
      try ThresholdOptions.parse(entry.text, hasLogs: hasLogs) { problem in
        switch problem {
        case .syntax(let error): ValidationError(plan.error(at: entry.key, error.reason).description)
        case .needsLogs:
          ValidationError(
            plan.error(at: entry.key, "'\(entry.text)' needs a log source ([logs] files or commands)")
              .description)
        }
      }
    }
  }
}
