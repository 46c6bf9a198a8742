import ArgumentParser
import Dashboard
import Foundation
import LoadEngine
import Metrics
import RunStore
import Synchronization
import Theme

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run a load test against a URL.")

  @OptionGroup var load: LoadOptions

  @OptionGroup(title: "Server logs") var logs: LogOptions

  @OptionGroup(title: "Dashboard") var display: DisplayOptions

  @Option(
    name: .customLong("control"),
    help: "Open a control socket (Unix socket, mode 0600) at PATH for `rampart ctl PATH COMMAND`.")
  var controlPath: String?

  @Option(help: "Name of the run (default: the target's host and port).")
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
    var config: EngineConfig
    do {
      config = try load.makeConfig()
    } catch {
      throw ValidationError(error.message)
    }
    let logSetup = try logs.makeSetup()
    try await LoadRunner(
      config: config, name: name ?? "\(config.target.host)_\(config.target.port)", out: out, display: display,
      noTUI: noTUI, json: json, quiet: quiet, logs: logSetup, controlPath: controlPath
    ).execute()
  }
}
