import ArgumentParser
import Control
import Foundation

/// `rampart ctl PATH COMMAND...`: sends one command to a running rampart's control socket and
/// prints the reply. Exit 0 on `ok`/status, 2 on a refused or malformed command, 1 when no run
/// answers at PATH.
struct CtlCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ctl",
    abstract: "Control a running rampart through its --control socket.",
    discussion: "Commands: \(ControlCommand.usage).")

  @Argument(help: "The socket path given to `rampart run --control`.")
  var path: String

  @Argument(parsing: .captureForPassthrough, help: "The command and its arguments, e.g. `vusers 200`.")
  var command: [String] = []

  func run() throws {
    guard !command.isEmpty else { throw ValidationError("no command given (\(ControlCommand.usage))") }
    let reply: String
    do {
      reply = try ControlClient.send(command.joined(separator: " "), to: path)
    } catch {
      printError("rampart: error: \(error)")
      throw ExitCode(ExitStatus.failure)
    }
    if reply.hasPrefix("error: ") {
      printError("rampart: \(reply)")
      throw ExitCode(ExitStatus.badInput)
    }
    printOut(reply)
  }
}
