import ArgumentParser
import Foundation

/// Exit codes are part of rampart's interface (documented in docs/usage.md, "Exit codes").
enum ExitStatus {
  static let ok: Int32 = 0
  static let failure: Int32 = 1
  static let badInput: Int32 = 2
  static let unresolvable: Int32 = 3
  /// A threshold failed over the whole run, or stopped it with --abort-on-fail.
  static let thresholdsFailed: Int32 = 99
  static let interrupted: Int32 = 130
  static let forcedExit: Int32 = 131
}

public struct Rampart: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "rampart",
    abstract: "Live HTTP load tests: ramp virtual users, watch TPS, latency and errors.",
    version: "0.1.0",
    subcommands: [
      RunCommand.self, FindCommand.self, DemoCommand.self, TargetCommand.self, CtlCommand.self,
      RunsCommand.self,
      ExportCommand.self, CompareCommand.self, ReportCommand.self,
    ],
    defaultSubcommand: nil
  )

  public init() {}

  /// Parses the command line and runs the command. Bad input must give one line and exit code 2
  /// (ArgumentParser's own `main` would print usage and exit 64). Named apart from `main` so the
  /// executable's call cannot resolve to ArgumentParser's synchronous one.
  public static func parseAndRun() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let exit as ExitCode {
      Foundation.exit(exit.rawValue)
    } catch {
      if exitCode(for: error) == .success { self.exit(withError: error) }
      let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      let cleaned = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
      FileHandle.standardError.write(Data("rampart: error: \(cleaned)\n".utf8))
      Foundation.exit(ExitStatus.badInput)
    }
  }
}

/// Writes one line to stderr.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes one line to stdout, unbuffered, so progress appears as it happens even through a pipe.
func printOut(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
