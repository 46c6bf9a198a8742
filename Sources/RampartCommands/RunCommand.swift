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

  @OptionGroup(title: "Target CPU and memory") var watch: WatchOptions

  @OptionGroup(title: "Dashboard") var display: DisplayOptions

  @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions

  @OptionGroup var session: SessionOptions

  func run() async throws {
    let plan = try session.loadPlan(load.url)
    // Values a plan took from the environment never reach a file, the screen or a message.
    let redact: @Sendable (String) -> String = { text in plan?.secrets.redact(text) ?? text }
    var config: EngineConfig
    do {
      config = try load.makeConfig(plan: plan)
    } catch {
      throw ValidationError(redact(error.message))
    }
    let logSetup = try logs.makeSetup(plan: plan)
    var runner = session.makeRunner(
      config: config, plan: plan, display: display, logs: logSetup, redact: redact)
    runner.thresholds =
      try planThresholds(plan, hasLogs: logSetup != nil) + thresholds.makeThresholds(hasLogs: logSetup != nil)
    runner.abortOnFail = thresholds.abortOnFail || (plan?.abortOnFail ?? false)
    if runner.abortOnFail && runner.thresholds.isEmpty {
      throw ValidationError(
        "--abort-on-fail needs at least one threshold (--threshold or [thresholds] checks)")
    }
    runner.abortDelay = try thresholds.abortDelay == nil ? plan?.abortDelay ?? 0 : thresholds.makeAbortDelay()
    runner.watch = watch.makeSetup(plan: plan)
    try await runner.execute()
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
